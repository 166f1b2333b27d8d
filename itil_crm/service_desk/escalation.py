"""Escalation (R2, R3): functional (to the next tier or another group) and hierarchical (the group lead
and the service level managers are told). Every escalation is a record of the incident's escalation
history (ITIL Escalation), which only grows: hierarchical ones are written by the SLA sweep with its
alerts (service_level.sla_alerts), functional ones here, with the incident's save."""

import frappe
from frappe import _
from frappe.utils.html_utils import sanitize_html

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.service_level import site_time
from itil_crm.service_level.bulk_records import insert_records

DOCTYPE = "ITIL Escalation"


def next_group(group: str | None) -> str | None:
	return frappe.db.get_value("ITIL Support Group", group, "escalation_group") if group else None


def escalate(doc, to_group: str | None = None, reason: str | None = None, trigger="Manual", threshold=None):
	"""Move the incident to ``to_group`` (default: the current group's escalation group), save it and
	record the escalation."""
	from_group = doc.support_group
	to_group = to_group or next_group(from_group)
	if not to_group:
		frappe.throw(
			_("{0} has no group to escalate to: choose one, or set its Escalates To.").format(
				from_group or _("This incident")
			),
			frappe.ValidationError,
		)
	if to_group == from_group:
		frappe.throw(_("The incident is already with {0}.").format(to_group), frappe.ValidationError)
	if doc.status in ("Resolved", "Closed", "Cancelled"):
		frappe.throw(_("A {0} incident cannot be escalated.").format(_(doc.status)), frappe.ValidationError)
	doc.support_group = to_group
	if doc.status == "New":
		doc.status = "Assigned"
	doc.save(ignore_permissions=trigger == "Automatic")
	record(
		doc.name,
		{
			"escalation_type": "Functional",
			"trigger": trigger,
			"from_group": from_group,
			"to_group": to_group,
			"threshold": threshold,
			"reason": reason,
			"escalated_by": frappe.session.user,
			"escalated_on": site_time.naive(site_time.now()),
		},
	)
	return doc


def record(incident: str, values: dict) -> None:
	"""One row of the incident's escalation history, written as the history's other rows are (one INSERT,
	service_level.bulk_records); the reason is an agent's text, sanitized as Frappe sanitizes a field."""
	values = {k: v for k, v in {"incident": incident, **values}.items() if v is not None}
	if values.get("reason"):
		values["reason"] = sanitize_html(str(values["reason"]), always_sanitize=True)
	insert_records(DOCTYPE, list(values), [values])


def auto_escalate(incident: str, threshold: float) -> bool:
	"""The SLA sweep's ``itil_auto_escalation_due``: the incident's resolution clock reached its agreement's
	auto-escalation threshold; it goes to its group's next tier, if it has one and is still open."""
	doc = frappe.get_doc("ITIL Incident", incident)
	if not next_group(doc.support_group) or doc.status not in OPEN_STATUSES:
		return False
	escalate(
		doc, reason=f"resolution clock at {threshold:g} % of target", trigger="Automatic", threshold=threshold
	)
	return True


def forget(incident: str) -> None:
	"""The incident is deleted: its escalation history goes with it."""
	frappe.db.delete(DOCTYPE, {"incident": incident})
