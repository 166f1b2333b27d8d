"""Who is calling: the Contact of an email address (created when there is none) and the customers it
belongs to. Used when a ticket raises an incident and when a mail arrives on an incident mailbox."""

from email.utils import parseaddr

import frappe
from frappe import _
from frappe.utils import validate_email_address

from itil_crm.engines.ticket_bridge import CustomerChoice, choose_customer
from itil_crm.integrations.apps import is_installed
from itil_crm.integrations.custom_fields import CUSTOMER_DOCTYPES


def email_of(value: str | None) -> str | None:
	"""The address in "Name <address>", or None when it is not an email address (ERPNext fills an
	Issue's sender with the session user, e.g. "Administrator")."""
	address = parseaddr(value or "")[1].strip().lower()
	return address if address and validate_email_address(address) else None


def contact_for(email: str) -> str:
	"""The Contact with this email address, created (first name from the address) when none has it."""
	found = frappe.db.get_value("Contact Email", {"email_id": email, "parenttype": "Contact"}, "parent")
	if found:
		return found
	local = email.split("@", 1)[0].replace(".", " ").replace("_", " ").title() or email
	contact = frappe.get_doc(
		{"doctype": "Contact", "first_name": local, "email_ids": [{"email_id": email, "is_primary": 1}]}
	)
	contact.insert(ignore_permissions=True)
	return contact.name


def customers_of(contact: str | None) -> list[tuple[str, str]]:
	if not contact:
		return []
	allowed = [dt for app, dt in CUSTOMER_DOCTYPES.items() if is_installed(app)]
	if not allowed:
		return []
	return [
		(r.link_doctype, r.link_name)
		for r in frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": contact, "link_doctype": ["in", allowed]},
			fields=["link_doctype", "link_name"],
		)
	]


def identify(doc) -> list[str]:
	"""Fill an incident's caller from its caller email, and its customer from the caller, where they
	are empty. Returns notes for the timeline (what could not be filled, and why)."""
	notes = []
	email = email_of(doc.caller_email)
	if email:
		doc.caller_email = email
	if not doc.caller and email:
		doc.caller = contact_for(email)
	if not doc.customer and doc.caller:
		choice: CustomerChoice = choose_customer(None, customers_of(doc.caller))
		doc.customer_type, doc.customer = choice.customer_type or doc.customer_type, choice.customer
		if choice.note:
			notes.append(_("Customer not set: {0}.").format(_(choice.note)))
	return notes
