"""Helpdesk's form script "ITIL: Raise Incident" called ``itil_crm.service_desk.ticket_bridge.raise_incident``,
which is now ``itil_crm.ticket_bridge.intake.raise_from_ticket``: a script that still calls the old method
gets the one of this version (itil_crm/ticket_bridge/helpdesk_form_script.js). Idempotent."""

import frappe

from itil_crm.ticket_bridge.intake_defaults import FORM_SCRIPT, form_script_js

OLD_METHOD = "itil_crm.service_desk.ticket_bridge.raise_incident"


def execute():
	if not frappe.db.exists("DocType", "HD Form Script") or not frappe.db.exists(
		"HD Form Script", FORM_SCRIPT
	):
		return
	if OLD_METHOD in (frappe.db.get_value("HD Form Script", FORM_SCRIPT, "script") or ""):
		frappe.db.set_value("HD Form Script", FORM_SCRIPT, "script", form_script_js())
