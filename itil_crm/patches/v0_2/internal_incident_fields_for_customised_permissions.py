"""0.2 moves the incident's internal fields (priority reasoning, support group, legs, escalations,
agreement, clock internals, problem links) to permission level 1, so that a portal customer (role
ITIL Customer, level 0 only) never reads them. A site whose admin customised the incident's role
permissions (Custom DocPerm replaces the doctype's own rules) would lose those fields for every
role: give each role that reads incidents there the same rights on level 1. Idempotent: a role that
has a level-1 rule is left alone."""

import frappe

DOCTYPE = "ITIL Incident"


def execute():
	custom = frappe.get_all(
		"Custom DocPerm",
		filters={"parent": DOCTYPE},
		fields=["role", "permlevel", "read", "write", "if_owner"],
	)
	if not custom:
		return
	on_level_1 = {p.role for p in custom if p.permlevel == 1}
	for p in custom:
		if p.permlevel or not p.read or p.if_owner or p.role in on_level_1 or p.role == "ITIL Customer":
			continue
		frappe.get_doc(
			{
				"doctype": "Custom DocPerm",
				"parent": DOCTYPE,
				"parenttype": "DocType",
				"parentfield": "permissions",
				"role": p.role,
				"permlevel": 1,
				"read": 1,
				"write": p.write,
			}
		).insert(ignore_permissions=True)
		on_level_1.add(p.role)
	frappe.clear_cache(doctype=DOCTYPE)
