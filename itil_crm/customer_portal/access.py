"""Who a portal customer is, and what they may see: the incidents of their own customer (and those
they raised themselves), never another customer's, never the internal fields, notes or attachments.

A portal customer is a user whose only right on ITIL Incident comes from the role `ITIL Customer`
(read, permission level 0). For them the same rule holds on every path:

- `permission_query_conditions` narrows every list (`/api/resource`, `frappe.client.get_list` and
  `get_count`, report view, link search, the portal list);
- `has_permission` refuses any other single incident (`/api/resource/ITIL Incident/<name>`,
  `frappe.client.get`, print, the portal page);
- `has_website_permission` answers for the website (the portal page of an incident);
- the internal fields are on permission level 1, which the role does not read, so
  `apply_fieldlevel_read_permissions` strips them from every answer;
- a `has_permission` hook on File refuses them the private files of an incident that they did not
  upload themselves, unless the desk sent them in a reply to the customer;
- the desk's form and print endpoints, and the download of others' private files, are closed to them
  before Frappe answers (itil_crm.frappe_fixes.portal_requests).

Their customers are those of their Contact (the Contact whose user is them, or whose email is
theirs) through its links (ERPNext Customer, Helpdesk HD Customer). A portal user whose contact
belongs to no customer (or who has no contact, e.g. on a site without ERPNext or Helpdesk) sees only
the incidents where they are the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import frappe
from frappe import _

from itil_crm.frappe_fixes.portal_requests import DOCTYPE, PORTAL_ROLE, restricted
from itil_crm.service_desk.callers import customers_of


@dataclass
class Scope:
	user: str
	contacts: list[str] = field(default_factory=list)
	customers: list[tuple[str, str]] = field(default_factory=list)

	def covers(self, doc) -> bool:
		if doc.get("caller") and doc.get("caller") in self.contacts:
			return True
		return (doc.get("customer_type"), doc.get("customer")) in self.customers and bool(doc.get("customer"))


def contacts_of(user: str) -> list[str]:
	email = frappe.db.get_value("User", user, "email") or user
	by_email = frappe.get_all(
		"Contact Email", filters={"email_id": email, "parenttype": "Contact"}, pluck="parent"
	)
	by_user = frappe.get_all("Contact", filters={"user": user}, pluck="name")
	return sorted(set(by_email) | set(by_user))


def scope(user: str | None = None) -> Scope:
	user = user or frappe.session.user
	contacts = contacts_of(user)
	customers = sorted({c for contact in contacts for c in customers_of(contact)})
	return Scope(user, contacts, customers)


# ------------------------------------------------------------------------------ permission hooks


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not restricted(user):
		return ""
	return condition(scope(user))


def condition(s: Scope, table: str = "`tabITIL Incident`") -> str:
	esc = frappe.db.escape
	parts = []
	if s.contacts:
		parts.append(f"{table}.`caller` in ({', '.join(esc(c) for c in s.contacts)})")
	by_type: dict[str, list[str]] = {}
	for customer_type, name in s.customers:
		by_type.setdefault(customer_type, []).append(name)
	for customer_type, names in sorted(by_type.items()):
		parts.append(
			f"({table}.`customer_type` = {esc(customer_type)}"
			f" and {table}.`customer` in ({', '.join(esc(n) for n in names)}))"
		)
	return f"({' or '.join(parts)})" if parts else "1=0"


def no_rows(user: str | None = None, doctype: str | None = None) -> str:
	"""The incident's child table (its affected CIs) is internal. frappe lists a child table for anyone who
	reads its parent doctype (`/api/resource/ITIL Affected CI?parent=ITIL Incident`), across every parent:
	a portal customer gets none of its rows. (The incident's history, its legs, escalations and clock
	events, are doctypes of their own that the portal role may not read at all.)"""
	return "1=0" if restricted(user or frappe.session.user) else ""


def has_permission(doc, ptype=None, user=None, debug=False):
	"""Controllers may only refuse: outside their scope, a portal customer is refused."""
	user = user or frappe.session.user
	if not restricted(user):
		return None
	return scope(user).covers(doc) or False


def has_website_permission(doc, ptype=None, user=None, verbose=False):
	user = user or frappe.session.user
	if user == "Guest":
		return False
	if not restricted(user):
		return bool(frappe.has_permission(DOCTYPE, ptype or "read", doc=doc, user=user))
	return scope(user).covers(doc)


def file_permission(doc, ptype=None, user=None, debug=False):
	"""A portal customer opens a private file of an incident only if they uploaded it, or if it went
	with a message between the desk and the customer (a reply the desk sent them, with its
	attachments). Agents attach logs and screenshots that are not for the customer: attached to the
	incident, to an internal note or to a mail with anyone else, a file stays internal. Files of other
	documents are left to frappe's own rule."""
	user = user or frappe.session.user
	if not doc.is_private or doc.owner == user or not restricted(user):
		return None
	if doc.attached_to_doctype == DOCTYPE:
		incident = doc.attached_to_name
	elif doc.attached_to_doctype == "Communication" and doc.attached_to_name:
		incident = incident_of_message(doc.attached_to_name)
		if not incident:
			return None
	else:
		return None
	from itil_crm.customer_portal.incidents import public_file_urls

	# allowed: frappe's own rule still decides (the customer must read the incident); the first hook
	# that answers is the last word, so a hook that lets in says nothing
	return None if incident and doc.file_url in public_file_urls(incident) else False


def incident_of_message(communication: str) -> str | None:
	"""The incident a Communication is about: its reference, or a timeline link (a reply on its
	ticket)."""
	reference = frappe.db.get_value(
		"Communication", communication, ["reference_doctype", "reference_name"], as_dict=True
	)
	if not reference:
		return None
	if reference.reference_doctype == DOCTYPE:
		return reference.reference_name
	return frappe.db.get_value(
		"Communication Link", {"parent": communication, "link_doctype": DOCTYPE}, "link_name"
	)


# ------------------------------------------------------------------------------ the role


def grant_portal_role(login_manager=None):
	"""on_session_creation: a website user whose contact belongs to a customer (or who raised an
	incident) gets the portal role, as ERPNext gives the Customer role to its customers' contacts."""
	user = frappe.session.user
	if user in ("Administrator", "Guest") or frappe.db.get_single_value(
		"ITIL Settings", "portal_role_by_hand"
	):
		return
	if frappe.db.get_value("User", user, "user_type") != "Website User":
		return
	if PORTAL_ROLE in frappe.get_roles(user):
		return
	s = scope(user)
	if s.customers or (s.contacts and frappe.db.exists(DOCTYPE, {"caller": ["in", s.contacts]})):
		account = frappe.get_doc("User", user)
		account.flags.ignore_permissions = True
		account.add_roles(PORTAL_ROLE)
