"""The incident's SLA events, OLA / UC legs and escalations were child tables of ITIL Incident; they are now
their own doctypes, linked to the incident by ``incident`` (service_level.event_log, service_level.legs,
service_desk.escalation). Their rows stay where they are (same tables, same names, same order): each gets
its incident from the parent it had. The covering index the legs had on the parent columns is replaced by
one on ``incident`` (ITIL Incident Leg's on_doctype_update). Idempotent: a second run finds nothing to move.
"""

import frappe

HISTORY = ("ITIL SLA Event", "ITIL Incident Leg", "ITIL Escalation")
OLD_LEG_INDEX = "parenttype_tier_parent_outcome_assigned_on_index"


def execute():
	for doctype in HISTORY:
		frappe.reload_doctype(doctype)
		if not frappe.db.has_column(doctype, "parent"):
			continue  # a site made after the move: nothing to carry over
		table = frappe.qb.DocType(doctype)
		(
			frappe.qb.update(table)
			.set(table.incident, table.parent)
			.where((table.parenttype == "ITIL Incident") & (table.incident.isnull() | (table.incident == "")))
		).run()
	if frappe.db.has_index("tabITIL Incident Leg", OLD_LEG_INDEX):
		frappe.db.sql_ddl(f"alter table `tabITIL Incident Leg` drop index `{OLD_LEG_INDEX}`")
