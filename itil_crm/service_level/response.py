"""First response: the first reply sent to the caller (an outgoing Communication on the incident, or on
the Helpdesk ticket / ERPNext Issue it came from), unless the incident was already moved to In
Progress or Resolved."""

import frappe

from itil_crm.service_desk.ticket_bridge import incident_of_reference
from itil_crm.service_level import time as T
from itil_crm.service_level.incident_clock import has_event, record_response


def on_communication(doc, method=None):
	if (
		frappe.flags.itil_ticket_sync  # the bridge's own reply (resolution notes)
		or doc.sent_or_received != "Sent"
		or doc.communication_type != "Communication"
	):
		return
	name = incident_of_reference(doc.reference_doctype, doc.reference_name)
	if not name:
		return
	incident = frappe.get_doc("ITIL Incident", name)
	if has_event(incident, "responded"):
		return
	record_response(incident, T.now(), note=doc.name)
	incident.save(ignore_permissions=True)
