"""The agent's queues in the incident list (itil_incident_list.js): my incidents, my groups' queue,
breached, due today. The filters are built in the list; this gives the groups the user works in."""

import frappe

from itil_crm.frappe_fixes.whitelisted_arguments import checked


@frappe.whitelist()
@checked
def my_support_groups() -> list[str]:
	"""The support groups the current user is a member of (none for a user outside them)."""
	return frappe.get_all(
		"ITIL Support Group Member",
		filters={"parenttype": "ITIL Support Group", "user": frappe.session.user},
		pluck="parent",
		distinct=True,
		order_by="parent asc",
	)
