"""First response: the first reply sent to the caller (an outgoing Communication), unless the incident
was already moved to In Progress or Resolved."""

import frappe

from itil_crm.service_level import time as T
from itil_crm.service_level.incident_clock import has_event, record_response


def on_communication(doc, method=None):
	if (
		doc.reference_doctype != "ITIL Incident"
		or not doc.reference_name
		or doc.sent_or_received != "Sent"
		or doc.communication_type != "Communication"
	):
		return
	incident = frappe.get_doc("ITIL Incident", doc.reference_name)
	if has_event(incident, "responded"):
		return
	record_response(incident, T.now(), note=doc.name)
	incident.save(ignore_permissions=True)
