"""Closes a hole in frappe 15's generic API for the app's doctypes.

`frappe.client.get_count` counts with `frappe.db.count`, without any permission check: any logged-in
user could count another customer's incidents and, with filters (`subject like 'a%'`), read them
letter by letter. For the app's doctypes the count goes through `frappe.get_list`, so it obeys role
permissions, user permissions, sharing and the customer portal's rule; for every other doctype
frappe's own function answers, unchanged.
"""

import frappe
import frappe.client
from frappe.utils import get_safe_filters

APP = "itil_crm"


def ours(doctype: str) -> bool:
	module = frappe.db.get_value("DocType", doctype, "module", cache=True)
	return bool(module) and frappe.local.module_app.get(frappe.scrub(module)) == APP


@frappe.whitelist()
def get_count(doctype, filters=None, debug=False, cache=False):
	if not (isinstance(doctype, str) and ours(doctype)):
		return frappe.client.get_count(doctype, filters, debug, cache)
	rows = frappe.get_list(doctype, filters=get_safe_filters(filters), fields=["count(*) as total"])
	return rows[0].total if rows else 0
