"""Two Frappe 15 holes on the path of a portal customer, closed before Frappe answers the request.

- The desk's form endpoints (``frappe.desk.form.load.getdoc`` and the like) answer with a document's whole
  timeline (internal comments, every mail, every attachment) to anyone who may read the document, and the
  print endpoints show every field: a portal customer who may read their incident would read the desk's
  internal notes on it. Frappe applies no permission hook to what those endpoints add.
- ``/private/files/...`` checks the file's own rule, which lets in anyone who may read the document the
  file is attached to; the ``has_permission`` hooks on File are not asked. An agent's private attachment
  (a log, a screenshot) on an incident would be the customer's to download.

The guard is one of Frappe's ``auth_hooks``: Frappe runs them at the end of its own authentication, once
the user of the request is known (session, API key or token), so no request is authenticated twice.
Tests that fail once Frappe closes the holes: frappe_fixes/test_frappe_fixes.py.

A portal customer is a user whose only right on ITIL Incident comes from the role ``ITIL Customer``
(the rest of the portal's rules: itil_crm.customer_portal.access).
"""

import frappe
from frappe import _
from frappe.permissions import get_valid_perms

PORTAL_ROLE = "ITIL Customer"
DOCTYPE = "ITIL Incident"


def restricted(user: str | None = None) -> bool:
	"""True when the user reads incidents only as a portal customer."""
	user = user or frappe.session.user
	if user == "Administrator" or PORTAL_ROLE not in frappe.get_roles(user):
		return False
	readers = {p.role for p in get_valid_perms(DOCTYPE, user) if p.read and not p.permlevel}
	return not (readers - {PORTAL_ROLE})


# the desk's form endpoints answer with a document's timeline (internal comments, every mail, every
# attachment) to anyone who reads it; print formats show every field: not for a portal customer
DESK_ONLY = ("frappe.desk.form.", "frappe.utils.print_format.", "frappe.www.printview.")


def guard_request():
	"""auth_hooks (after Frappe has authenticated the request), for portal customers only:

	- they read incidents on the portal and through the document API (/api/resource, frappe.client),
	  never through the desk's form or print endpoints;
	- a private file attached to an incident is theirs to download only as the File permission hooks say
	  (they uploaded it, or the desk sent it to them in a reply): frappe's download checks the file's
	  own rule, which lets anyone who reads the incident in, not the permission hooks."""
	user = frappe.session.user
	if user in ("Guest", "Administrator") or getattr(frappe.local, "request", None) is None:
		return
	path = frappe.request.path
	if path.startswith("/private/files/"):
		if restricted(user) and not _may_download(path, user):
			raise frappe.PermissionError(_("You are not allowed to open this file."))
		return
	form = frappe.local.form_dict
	if not any(
		isinstance(form.get(key), str) and form.get(key).startswith("ITIL ")
		for key in ("doctype", "reference_doctype", "dt")
	):
		return
	command = path.removeprefix("/api/method/") if path.startswith("/api/method/") else None
	if path.rstrip("/") == "/printview":
		command = "frappe.www.printview."
	if command and command.startswith(DESK_ONLY) and restricted(user):
		raise frappe.PermissionError(_("Not available on the customer portal."))


def _may_download(path: str, user: str) -> bool:
	"""Frappe's File permission, its hooks included (itil_crm.customer_portal.access.file_permission: a
	file the desk sent the customer in a reply is theirs, an internal one is not), on any record of
	the file."""
	files = frappe.get_all("File", filters={"file_url": path}, pluck="name")
	return not files or any(
		frappe.has_permission("File", "read", doc=frappe.get_doc("File", f), user=user) for f in files
	)
