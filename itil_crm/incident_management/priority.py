"""Priority of an incident (R4): the matrix of ITIL Settings, raised by key customers, critical CIs and
the channel's urgency (see itil_crm.engines.priority)."""

import frappe
from frappe import _

from itil_crm.engines.priority import Floor, PriorityDecision, decide_priority
from itil_crm.integrations.apps import is_installed

OVERRIDE_ROLES = {"ITIL Service Level Manager", "System Manager"}


def current_matrix() -> dict[tuple[str, str], str]:
	settings = frappe.get_cached_doc("ITIL Settings")
	return {(row.impact, row.urgency): row.priority for row in settings.priority_matrix}


def _ranks(doctype: str) -> dict[str, int]:
	"""Levels and their ranks, cached until an impact or urgency is saved or deleted."""
	return frappe.cache.get_value(
		f"itil_ranks::{doctype}",
		generator=lambda: {r.name: r.rank for r in frappe.get_all(doctype, fields=["name", "rank"])},
	)


def clear_rank_cache(doctype: str) -> None:
	"""An impact or urgency was saved or deleted: its ranks are read again."""
	frappe.cache.delete_value(f"itil_ranks::{doctype}")


def key_account_reason(doc) -> str | None:
	"""Why the caller counts as a key customer, or None. (Frappe's document cache: read on every save
	of an incident, these records rarely change, and their save clears it.)"""
	if doc.customer_type and doc.customer:
		if doc.customer_type == "Customer" and is_installed("erpnext"):
			key, group = frappe.get_cached_value(
				"Customer", doc.customer, ["itil_key_account", "customer_group"]
			) or (None, None)
			if key:
				return _("key account {0}").format(doc.customer)
			if group and frappe.get_cached_value("Customer Group", group, "itil_key_account"):
				return _("key customer group {0}").format(group)
		elif doc.customer_type == "HD Customer" and is_installed("helpdesk"):
			if frappe.get_cached_value("HD Customer", doc.customer, "itil_key_account"):
				return _("key account {0}").format(doc.customer)
	if doc.caller and frappe.get_cached_value("Contact", doc.caller, "itil_key_contact"):
		return _("key contact {0}").format(doc.caller)
	return None


def decide(doc) -> PriorityDecision:
	settings = frappe.get_cached_doc("ITIL Settings")
	impact_floors, urgency_floors = [], []
	if settings.key_customer_impact and (why := key_account_reason(doc)):
		impact_floors.append(Floor(settings.key_customer_impact, why))
	if settings.critical_ci_impact and doc.configuration_item:
		# the CI's criticality, fetched by Frappe's link validation (fetch_from) before this save's validate,
		# unless the save skips that validation
		criticality = (
			frappe.db.get_value("ITIL Configuration Item", doc.configuration_item, "criticality")
			if doc.flags.ignore_links
			else doc.ci_criticality
		)
		if criticality == "Critical":
			impact_floors.append(
				Floor(
					settings.critical_ci_impact,
					_("critical configuration item {0}").format(doc.configuration_item),
				)
			)
	if settings.warranty_impact and doc.get("warranty_go_live"):
		impact_floors.append(
			Floor(
				settings.warranty_impact, _("warranty incident of go-live {0}").format(doc.warranty_go_live)
			)
		)
	if doc.channel and not doc.get("event_severity"):  # a monitoring event's severity map decides
		channel_urgency = frappe.get_cached_value("ITIL Channel", doc.channel, "default_urgency")
		if channel_urgency:
			urgency_floors.append(Floor(channel_urgency, _("channel {0}").format(doc.channel)))
	try:
		return decide_priority(
			current_matrix(),
			_ranks("ITIL Impact"),
			_ranks("ITIL Urgency"),
			doc.impact,
			doc.urgency,
			impact_floors,
			urgency_floors,
			override=doc.priority_override,
			override_reason=doc.override_reason,
		)
	except ValueError:
		frappe.throw(_("Give the reason for overriding the priority."), frappe.ValidationError)


def check_override_allowed(doc) -> None:
	"""Only a service level manager may set or change a priority override."""
	before = doc.get_doc_before_save()
	old = (before.priority_override, before.override_reason) if before else (None, None)
	if (doc.priority_override, doc.override_reason) == old or not (doc.priority_override or old[0]):
		return
	if frappe.session.user != "Administrator" and not (OVERRIDE_ROLES & set(frappe.get_roles())):
		frappe.throw(
			_("Only a {0} may override an incident's priority.").format(_("ITIL Service Level Manager")),
			frappe.PermissionError,
		)
