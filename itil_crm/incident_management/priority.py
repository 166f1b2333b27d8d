"""Priority of an incident from the impact x urgency matrix held in ITIL Settings."""

import frappe

from itil_crm.engines.priority_matrix import lookup


def current_matrix() -> dict[tuple[str, str], str]:
	settings = frappe.get_cached_doc("ITIL Settings")
	return {(row.impact, row.urgency): row.priority for row in settings.priority_matrix}


def priority_for(impact: str | None, urgency: str | None) -> str | None:
	return lookup(current_matrix(), impact, urgency)
