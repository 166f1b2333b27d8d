"""Frappe 15 hole: ``frappe.client.validate_link`` (what the desk's Link fields call to check a value and
fetch its fields) checks the permission on the doctype only, then answers whether the name exists. A user
who reads some records of a doctype (a portal customer reads their own incidents, a user permission
narrows a role) learns which other names exist: ``{"name": "INC-..."}`` for an existing incident,
``{"name": null}`` for a name that does not exist.

For the app's doctypes a name the user may not read gets the answer of a name that does not exist; a user
without the doctype's permission is refused (403) as Frappe does; a name the user may read is answered by
Frappe's own function, fetched fields included (the desk's link validation is unchanged). Every other
doctype is answered by Frappe, unchanged.

Test that fails once Frappe closes it: frappe_fixes/test_frappe_fixes.py::TestLinkValidation.
"""

import frappe
import frappe.client
from frappe import _

from itil_crm.frappe_fixes.count_and_search import ours
from itil_crm.frappe_fixes.whitelisted_arguments import checked


@frappe.whitelist()
@checked
def validate_link(doctype: str, docname: str, fields: list[str] | str | None = None):
	if ours(doctype):
		if not (frappe.has_permission(doctype, "select") or frappe.has_permission(doctype, "read")):
			# Frappe's own refusal (a 403 whether the name exists or not), in its words
			frappe.throw(
				_("You do not have Read or Select Permissions for {}").format(frappe.bold(doctype)),
				frappe.PermissionError,
			)
		name = frappe.db.get_value(doctype, docname)
		if name and not may_read(doctype, name):
			return frappe._dict(name=None)  # what Frappe answers for a name that does not exist
	return frappe.client.validate_link(doctype, docname, fields)


def may_read(doctype: str, name: str) -> bool:
	"""May the user read (or select) this record: role and user permissions, sharing and the permission
	hooks (the customer portal's rule)."""
	return any(frappe.has_permission(doctype, ptype, doc=name) for ptype in ("select", "read"))
