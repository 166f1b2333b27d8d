"""Frappe 15 hole: ``frappe.delete_doc`` locks the record *without waiting* before it checks the permission
to delete it. While someone saves the record, a delete is answered "being modified by another user, try
again" as a server error (``QueryTimeoutError``, HTTP 500), even for a user who may not delete it at all.

For the app's records, a delete request (``DELETE /api/resource/...``, ``frappe.client.delete``, which the
desk's form uses) is checked first: a user who may not delete it is refused (HTTP 403) before anything is
locked (Guest too); one who may waits for the save in progress (the row lock, as a save waits for another save) and
then deletes the record as it is after that save. Runs as one of Frappe's ``auth_hooks``, once the user of
the request is known. Test that fails once Frappe closes it: frappe_fixes/test_frappe_fixes.py.
"""

from urllib.parse import unquote

import frappe
from frappe import _

from itil_crm.frappe_fixes.count_and_search import ours

DELETE_METHODS = ("/api/method/frappe.client.delete", "/api/v1/method/frappe.client.delete")


def deleted_record() -> tuple[str, str] | None:
	"""(doctype, name) when this request deletes one record, else None."""
	request = getattr(frappe.local, "request", None)
	if request is None:
		return None
	path = request.path
	if request.method == "DELETE":
		parts = [unquote(p) for p in path.split("/")]
		if parts[2:3] == ["v1"]:
			parts.pop(2)
		if len(parts) == 5 and parts[2] == "resource":
			return parts[3], parts[4]
		return None
	if path in DELETE_METHODS:
		doctype, name = frappe.form_dict.get("doctype"), frappe.form_dict.get("name")
		if isinstance(doctype, str) and isinstance(name, str | int):
			return doctype, str(name)
	return None


def wait_for_saves() -> None:
	"""auth_hooks: a delete of one of the app's records is permitted first, then waits for the saves under
	way (Frappe then locks the row it already holds, without waiting, and deletes it)."""
	target = deleted_record()
	if not target:
		return
	doctype, name = target
	if not ours(doctype) or frappe.get_meta(doctype).issingle or not frappe.db.exists(doctype, name):
		return  # Frappe answers these itself (a missing record is a 404)
	if not frappe.has_permission(doctype, "delete", name):
		raise frappe.PermissionError(_("You are not allowed to delete {0} {1}.").format(_(doctype), name))
	frappe.db.get_value(doctype, name, "name", for_update=True)
