"""Ticket -> incident: a Helpdesk ticket or an ERPNext Issue raises its ITIL incident.

By hand (``raise_from_ticket``: the desk form's action, Helpdesk's agent app) or automatically for the
ticket types listed in ITIL Settings (``on_ticket_insert``). One ticket, one incident: the ticket row is
locked while its incident is raised. Nothing is lost: a ticket whose incident cannot be raised is saved
all the same, with the reason on its timeline, in ``itil_intake_error`` and in the Error Log, and
``retry_intake`` tries again. The caller and the customer are completed by the incident's own save
(service_desk.callers), as for a mail or an API call.
"""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime, strip_html

from itil_crm.engines import ticket_bridge as rules
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.integrations.apps import is_installed
from itil_crm.service_desk.callers import email_of
from itil_crm.ticket_bridge.platforms import PLATFORMS, Platform, platform_of
from itil_crm.ticket_bridge.sync import bridged, platform_for, push_to_tickets, syncing

RETRY_BATCH = 200


def intake_mode(doctype: str) -> tuple[str, str | None]:
	"""(mode, automatic ticket types) from ITIL Settings; a platform without a row is Manual."""
	for row in frappe.get_cached_doc("ITIL Settings").ticket_intake:
		if row.source_doctype == doctype:
			return row.mode or "Manual", row.automatic_types
	return "Manual", None


@frappe.whitelist()
@checked
def raise_from_ticket(doctype: str, name: str | int) -> dict:
	"""The agent's action on a ticket: its incident (raised now, or the one it already has), and the address
	of its form."""
	platform_for(doctype)
	name = str(name)  # Helpdesk tickets are numbered
	if not frappe.db.exists(doctype, name):
		frappe.throw(_("{0} {1} does not exist.").format(doctype, name), frappe.DoesNotExistError)
	frappe.has_permission(doctype, "read", name, throw=True)
	frappe.has_permission("ITIL Incident", "create", throw=True)
	mode, _types = intake_mode(doctype)
	if not rules.creates_manually(mode):
		frappe.throw(
			_("Ticket intake for {0} is Off in ITIL Settings: no incident is raised from it.").format(
				doctype
			),
			frappe.ValidationError,
		)
	incident = incident_for(doctype, name)
	return {"name": incident, "url": frappe.utils.get_url_to_form("ITIL Incident", incident)}


def incident_for(doctype: str, name: str | int) -> str:
	"""One ticket, one incident, also under concurrent requests: the ticket row is locked first."""
	platform = platform_for(doctype)
	name = str(name)
	locked = frappe.db.sql(
		f"select itil_incident from `tab{doctype}` where name = %s for update", name, as_dict=True
	)
	if not locked:
		frappe.throw(_("{0} {1} does not exist.").format(doctype, name), frappe.DoesNotExistError)
	existing = locked[0].itil_incident
	if existing and frappe.db.exists("ITIL Incident", existing):
		return existing
	existing = frappe.db.get_value("ITIL Incident", {"source_type": doctype, "source_name": name})
	if not existing:
		values, notes = incident_values(frappe.get_doc(doctype, name), platform)
		with syncing():
			incident = frappe.get_doc(values).insert(ignore_permissions=True)
		existing = incident.name
		for note in notes:
			incident.add_comment("Info", note)
	frappe.db.set_value(
		doctype, name, {"itil_incident": existing, "itil_intake_error": None}, update_modified=False
	)
	push_to_tickets(frappe.get_doc("ITIL Incident", existing), force=True)
	return existing


def incident_values(ticket, platform: Platform) -> tuple[dict, list[str]]:
	"""The incident a ticket raises, and notes for its timeline. The caller (from the sender) and the
	customer (the ticket's, else the caller's) are completed by the incident itself
	(itil_crm.service_desk.callers.identify), as for a mail or an API call."""
	email = email_of(ticket.get("raised_by"))
	notes = (
		[]
		if email
		else [
			_("{0} {1} has no sender email address ({2}): no caller was set.").format(
				ticket.doctype, ticket.name, ticket.get("raised_by") or _("empty")
			)
		]
	)
	contact = ticket.get("contact")
	customer = ticket.get("customer")
	values = {
		"doctype": "ITIL Incident",
		"subject": (ticket.get("subject") or _("{0} {1}").format(ticket.doctype, ticket.name))[:140],
		"description": ticket.get("description") or _first_message(ticket),
		"caller": contact if contact and frappe.db.exists("Contact", contact) else None,
		"caller_email": email,
		"customer_type": platform.customer_doctype if customer else None,
		"customer": customer or None,
		"channel": platform.channel if frappe.db.exists("ITIL Channel", platform.channel) else None,
		"source_type": ticket.doctype,
		"source_name": ticket.name,
		# when the customer raised it; never later than now (a site whose time zone was set after the
		# ticket was stored can hold a creation time "in the future")
		"opened_on": min(get_datetime(ticket.creation), now_datetime()) if ticket.get("creation") else None,
	}
	return values, notes


def _first_message(ticket) -> str | None:
	rows = frappe.get_all(
		"Communication",
		filters={
			"reference_doctype": ticket.doctype,
			"reference_name": ticket.name,
			"communication_type": "Communication",
		},
		fields=["content"],
		order_by="creation asc",
		limit=1,
	)
	return rows[0].content if rows else None


def on_ticket_insert(doc, method=None):
	"""Automatic intake for the ticket types listed in ITIL Settings."""
	if frappe.flags.itil_ticket_sync or doc.get("itil_incident") or not bridged(doc.doctype):
		return
	platform = platform_of(doc.doctype)
	mode, types = intake_mode(doc.doctype)
	if rules.creates_automatically(mode, doc.get(platform.type_field), types):
		raise_safely(doc.doctype, doc.name)


def raise_safely(doctype: str, name: str) -> str | None:
	"""Raise the ticket's incident; on failure keep the ticket, say why, and leave it for the retry."""
	messages = len(frappe.local.message_log)
	frappe.db.savepoint("itil_intake")
	try:
		return incident_for(doctype, name)
	except Exception as e:
		frappe.db.rollback(save_point="itil_intake")
		del frappe.local.message_log[messages:]  # the ticket was saved: no error pop-up for it
		reason = strip_html(str(e)).strip() or e.__class__.__name__
		frappe.log_error(
			title=_("ITIL incident not raised from {0} {1}").format(doctype, name),
			reference_doctype=doctype,
			reference_name=name,
		)
		frappe.db.set_value(doctype, name, "itil_intake_error", reason[:1000], update_modified=False)
		frappe.get_doc(doctype, name).add_comment(
			"Info", _("ITIL incident not raised: {0}. It is tried again every 15 minutes.").format(reason)
		)
		return None


def retry_intake(commit: bool = True):
	"""Scheduled: tickets whose incident could not be raised are tried again (idempotent: a ticket
	that has its incident, or whose intake is Off now, is left alone)."""
	for doctype, platform in PLATFORMS.items():
		if not is_installed(platform.app) or not rules.creates_manually(intake_mode(doctype)[0]):
			continue
		names = frappe.get_all(
			doctype,
			filters={"itil_intake_error": ["is", "set"], "itil_incident": ["is", "not set"]},
			pluck="name",
			order_by="modified asc",
			limit=RETRY_BATCH,
		)
		for name in names:
			if raise_safely(doctype, name):
				frappe.get_doc(doctype, name).add_comment("Info", _("ITIL incident raised on retry."))
			if commit:
				frappe.db.commit()
