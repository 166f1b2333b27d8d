"""Two Frappe 15 holes in its generic API, closed for the app's doctypes.

`frappe.client.get_count` counts with `frappe.db.count`, without any permission check: any logged-in
user could count another customer's incidents and, with filters (`subject like 'a%'`), read them
letter by letter. For the app's doctypes the count goes through the user's permissions (role
permissions, user permissions, sharing and the customer portal's rule); for every other doctype
frappe's own function answers, unchanged.

`frappe.utils.global_search.search` (the awesome bar's "Search for ...") returns any row of the search
index of a doctype the user may read, without checking the record: a portal customer could read other
customers' incident subjects. For the app's doctypes each hit is kept only if `frappe.get_list` returns
it to the user.

Tests that fail once Frappe closes them: frappe_fixes/test_frappe_fixes.py.
"""

import frappe
import frappe.client
import frappe.utils.global_search
from frappe import _

from itil_crm.frappe_fixes.whitelisted_arguments import Filters, checked
from itil_crm.queries import permitted_count

APP = "itil_crm"


def ours(doctype: str) -> bool:
	"""A doctype of this app (its module's app), from the cached meta and Frappe's module map: asked on
	every request that writes a record, it sends no query."""
	if not (isinstance(doctype, str) and doctype.startswith("ITIL ")):
		return False  # every doctype of the app is named "ITIL ..."
	try:
		module = frappe.get_meta(doctype).module
	except frappe.DoesNotExistError:
		frappe.clear_last_message()
		return False
	module_app = getattr(frappe.local, "module_app", None) or {}
	app = module_app.get(frappe.scrub(module or ""))
	return app == APP if app else (module in frappe.get_module_list(APP))


@frappe.whitelist()
@checked
def get_count(doctype: str, filters: Filters | None = None, debug: bool = False, cache: bool = False):
	if not frappe.db.exists("DocType", doctype):
		frappe.throw(_("DocType {0} does not exist.").format(doctype), frappe.DoesNotExistError)
	try:
		if not ours(doctype):
			return frappe.client.get_count(doctype, filters, debug, cache)
		return permitted_count(doctype, filters)
	except (  # what Frappe's filter parsing raises on an unknown column, operator or value
		frappe.db.ProgrammingError,
		frappe.db.OperationalError,
		frappe.db.DataError,
		KeyError,
		IndexError,
		ValueError,
		TypeError,
		AttributeError,
	):
		frappe.throw(_("These filters cannot be read."), frappe.ValidationError)


@frappe.whitelist()
@checked
def global_search(text: str, start: int = 0, limit: int = 20, doctype: str = ""):
	start, limit = min(max(start, 0), 10_000), min(max(limit, 1), 100)
	hits = frappe.utils.global_search.search(text, start, limit, doctype)
	names: dict[str, set] = {}
	for hit in hits:
		if ours(hit.doctype):
			names.setdefault(hit.doctype, set()).add(hit.name)
	readable = {
		dt: set(frappe.get_list(dt, filters={"name": ["in", list(wanted)]}, pluck="name"))
		for dt, wanted in names.items()
	}
	return [hit for hit in hits if hit.doctype not in readable or hit.name in readable[hit.doctype]]
