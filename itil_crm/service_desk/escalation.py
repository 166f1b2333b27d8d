"""Escalation (R2, R3): functional (to the next tier or another group) and hierarchical (the group lead
and the service level managers are told). Every escalation is a row of the incident's history."""

import frappe
from frappe import _

from itil_crm.service_level import time as T


def next_group(group: str | None) -> str | None:
	return frappe.db.get_value("ITIL Support Group", group, "escalation_group") if group else None


def escalate(doc, to_group: str | None = None, reason: str | None = None, trigger="Manual", threshold=None):
	"""Move the incident to ``to_group`` (default: the current group's escalation group) and save."""
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
	doc.append(
		"escalations",
		{
			"escalation_type": "Functional",
			"trigger": trigger,
			"from_group": from_group,
			"to_group": to_group,
			"threshold": threshold,
			"reason": reason,
			"escalated_by": frappe.session.user,
			"escalated_on": T.naive(T.now()),
		},
	)
	doc.support_group = to_group
	if doc.status == "New":
		doc.status = "Assigned"
	doc.save(ignore_permissions=trigger == "Automatic")
	return doc
