"""Ticket intake defaults for the ticketing apps present, and what uninstall takes away again.

For each installed platform (Helpdesk, ERPNext): the ticket type "Incident" (created when missing,
remembered as ours), an ITIL Settings row "Automatic for Incident, Manual for the rest", the
priority map ITIL -> ticket priority, and (Helpdesk) the agent-app form script with the
"Raise ITIL Incident" action. Seeded once: what the site changed is never overwritten.
"""

import frappe

from itil_crm.integrations.apps import is_installed
from itil_crm.ticket_bridge.platforms import INCIDENT_TICKET_TYPE, PLATFORMS

FORM_SCRIPT = "ITIL: Raise Incident"
FORM_SCRIPT_FILE = "ticket_bridge/helpdesk_form_script.js"


def form_script_js() -> str:
	"""The HD Form Script of Helpdesk's agent app, from its file in this folder."""
	with open(frappe.get_app_path("itil_crm", FORM_SCRIPT_FILE)) as f:
		return f.read()


def seed_ticket_intake(apps=None) -> None:
	settings = frappe.get_single("ITIL Settings")
	changed = False
	for doctype, platform in PLATFORMS.items():
		if apps and platform.app not in apps:
			continue
		if not is_installed(platform.app) or not frappe.db.exists("DocType", doctype):
			continue
		for row in settings.ticket_intake:  # ours, removed when the app left: back with it
			if row.source_doctype == doctype and row.created_ticket_type:
				_ensure_ticket_type(platform)
		if not any(r.source_doctype == doctype for r in settings.ticket_intake):
			created = _ensure_ticket_type(platform)
			settings.append(
				"ticket_intake",
				{
					"source_doctype": doctype,
					"mode": "Automatic",
					"automatic_types": INCIDENT_TICKET_TYPE,
					"created_ticket_type": int(created),
				},
			)
			changed = True
		if not any(r.source_doctype == doctype for r in settings.ticket_priority_map):
			for itil, ticket_priority in platform.default_priorities:
				if frappe.db.exists("ITIL Priority", itil) and frappe.db.exists(
					platform.priority_doctype, ticket_priority
				):
					settings.append(
						"ticket_priority_map",
						{"source_doctype": doctype, "priority": itil, "ticket_priority": ticket_priority},
					)
					changed = True
	if changed:
		settings.flags.ignore_permissions = True
		settings.save()
	if (not apps or "helpdesk" in apps) and is_installed("helpdesk"):
		_ensure_form_script()


def _ensure_ticket_type(platform) -> bool:
	if frappe.db.exists(platform.type_doctype, INCIDENT_TICKET_TYPE):
		return False
	frappe.get_doc(
		{
			"doctype": platform.type_doctype,
			"description": "An unplanned interruption or degradation of a service (ITIL incident)",
		}
	).insert(ignore_permissions=True, set_name=INCIDENT_TICKET_TYPE)
	return True


def _ensure_form_script() -> None:
	if not frappe.db.exists("DocType", "HD Form Script") or frappe.db.exists("HD Form Script", FORM_SCRIPT):
		return
	frappe.get_doc(
		{
			"doctype": "HD Form Script",
			"name": FORM_SCRIPT,
			"dt": "HD Ticket",
			"apply_to": "Form",
			"enabled": 1,
			"script": form_script_js(),
		}
	).insert(ignore_permissions=True, set_name=FORM_SCRIPT)


def remove_ticket_intake(apps) -> None:
	"""Before our uninstall (every app) or before a ticketing app leaves (that app): the ticket types
	we created and that no ticket uses, and the Helpdesk form script."""
	if not frappe.db.exists("DocType", "ITIL Settings"):
		return
	settings = frappe.get_single("ITIL Settings")
	for row in settings.ticket_intake:
		platform = PLATFORMS.get(row.source_doctype)
		if not platform or platform.app not in apps or not row.created_ticket_type:
			continue
		if frappe.db.exists(platform.type_doctype, INCIDENT_TICKET_TYPE) and not frappe.db.exists(
			platform.doctype, {platform.type_field: INCIDENT_TICKET_TYPE}
		):
			frappe.delete_doc(
				platform.type_doctype, INCIDENT_TICKET_TYPE, ignore_permissions=True, force=True
			)
	if "helpdesk" in apps and frappe.db.exists("DocType", "HD Form Script"):
		if frappe.db.exists("HD Form Script", FORM_SCRIPT):
			frappe.delete_doc("HD Form Script", FORM_SCRIPT, ignore_permissions=True, force=True)
