"""The record a whitelisted method acts on, loaded once its caller may act on it, with an answer that tells
nobody which names exist: a user without the right on the doctype gets 403 whatever the name, and a name
that does not exist gets the same 404 as a record out of the user's reach (a restricted user learns
nothing from a 404 against a 403)."""

import frappe
from frappe import _


def record(doctype: str, name, ptype: str = "read"):
	"""The document ``doctype`` ``name`` if the session user may ``ptype`` it; else 403 / 404 as above."""
	if not frappe.has_permission(doctype, ptype):
		raise frappe.PermissionError(_("You may not {0} {1} records.").format(_(ptype), _(doctype)))
	if isinstance(name, str) and name and frappe.db.exists(doctype, name):
		doc = frappe.get_doc(doctype, name)
		if doc.has_permission(ptype):
			return doc
	frappe.throw(
		_("{0} {1} was not found, or you may not {2} it.").format(_(doctype), name, _(ptype)),
		frappe.DoesNotExistError,
	)
