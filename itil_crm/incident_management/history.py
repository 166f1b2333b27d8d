"""An incident's history records: its OLA / UC legs, its escalations and its SLA clock events.

Each is its own doctype linked to the incident (``incident``), written by the practice that owns it
(service_level.legs, service_desk.escalation, service_level.event_log) and never by the incident's
form. The form shows them (``for_form``, in the incident's ``onload``) to users who may read them; they
are deleted with their incident (``forget``, on its ``on_trash``) and follow it when it is renamed
(Frappe renames Link values).
"""

import frappe

from itil_crm.service_desk import escalation
from itil_crm.service_level import event_log, legs

SHOWN = {
	legs.DOCTYPE: (
		"legs",
		[
			"support_group",
			"tier",
			"agreement_type",
			"assigned_on",
			"released_on",
			"outcome",
			"due_by",
			"breached",
			"caused_sla_breach",
			"is_external",
			"supplier_reference",
		],
	),
	escalation.DOCTYPE: (
		"escalations",
		["escalation_type", "trigger", "from_group", "to_group", "threshold", "reason", "escalated_on"],
	),
	event_log.DOCTYPE: ("events", ["event_type", "at", "value", "note"]),
}


def for_form(incident: str) -> dict:
	"""The incident's history, for its form: for each record list the user may read, its columns (label and
	type from the doctype) and its rows, oldest first."""
	out = {}
	for doctype, (key, fields) in SHOWN.items():
		if not frappe.has_permission(doctype, "read"):
			continue
		meta = frappe.get_meta(doctype)
		out[key] = {
			"doctype": doctype,
			"columns": [
				{"fieldname": f, "label": meta.get_label(f), "fieldtype": meta.get_field(f).fieldtype}
				for f in fields
			],
			"rows": frappe.get_list(
				doctype,
				filters={"incident": incident},
				fields=["name", *fields],
				order_by="creation asc, idx asc",
				limit_page_length=0,
			),
		}
	return out


def forget(incident: str) -> None:
	"""The incident is deleted: its history goes with it."""
	legs.forget(incident)
	escalation.forget(incident)
	event_log.forget(incident)
