"""First response: the first reply sent to the caller (an outgoing Communication on the incident, or on
the Helpdesk ticket / ERPNext Issue it came from: ticket_bridge.sync), unless the incident was already
moved to In Progress or Resolved. The incident's save logs it (its clock step)."""

import frappe

from itil_crm.service_level import site_time


def on_communication(doc, method=None):
	"""Communication after_insert: a mail sent to the caller on the incident itself."""
	if doc.reference_doctype == "ITIL Incident" and is_reply_to_caller(doc):
		record_first_response(doc.reference_name, site_time.now(), via=doc.name)


def is_reply_to_caller(doc) -> bool:
	return (
		not frappe.flags.itil_ticket_sync  # the ticket bridge's own reply (resolution notes)
		and doc.sent_or_received == "Sent"
		and doc.communication_type == "Communication"
	)


def record_first_response(incident: str, at, via: str | None = None) -> None:
	"""The incident's first response, unless it has one."""
	if not frappe.db.exists("ITIL Incident", incident):
		return
	doc = frappe.get_doc("ITIL Incident", incident)
	if doc.first_responded_on:
		return
	doc.record_first_response(at, via)
	doc.flags.ignore_permissions = True
	doc.save()
