"""Incident <-> ticket, once a ticket has its incident (ticket_bridge.intake raises it).

- The incident pushes to its tickets what they show: priority (through the map of ITIL Settings), its
  clock (read-only ``itil_*`` fields), Resolved / Closed with one reply carrying the resolution notes
  (``push_to_tickets``, a step of the incident's save); the SLA sweep's status changes follow
  (``follow_sla_status``, listening to the sweep's ``itil_sla_status_changed``).
- The ticket pushes to its incident: a customer's reply on a resolved ticket reopens the incident; a
  ticket closed while the incident is open is written on the incident, which stays open; replies on the
  ticket are linked to the incident's timeline; the agent's first reply is the incident's first response.

Writes made by the bridge itself run under ``syncing()``, so the other side's hooks do not echo them.
The rules are pure functions in itil_crm.engines.ticket_bridge.
"""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import get_datetime

from itil_crm.engines import ticket_bridge as rules
from itil_crm.integrations.apps import is_installed
from itil_crm.service_level import response, site_time
from itil_crm.ticket_bridge.platforms import PLATFORMS, Platform, platform_of


@contextmanager
def syncing():
	previous = frappe.flags.itil_ticket_sync
	frappe.flags.itil_ticket_sync = True
	try:
		yield
	finally:
		frappe.flags.itil_ticket_sync = previous


def platform_for(doctype: str) -> Platform:
	platform = platform_of(doctype)
	if not platform or not is_installed(platform.app):
		frappe.throw(
			_("{0} is not a ticket doctype of an installed app.").format(doctype), frappe.ValidationError
		)
	return platform


def bridged(doctype: str | None) -> bool:
	"""A ticket doctype of an installed app that carries our fields (not yet while that app is being
	installed: its own first ticket arrives before after_app_install adds them)."""
	platform = platform_of(doctype)
	return bool(
		platform and is_installed(platform.app) and frappe.get_meta(doctype).has_field("itil_incident")
	)


# ------------------------------------------------------------------ incident -> ticket


SHOWN_ON_TICKET = ("status", "priority", "response_by", "resolution_by", "sla_status")


def push_to_tickets(incident, force: bool = False) -> None:
	"""The ticket step of an incident's save: push to its tickets what they show, when it changed
	(``force``: whatever changed). A new incident has no ticket yet (the bridge links one, then pushes
	itself), so the incident's hot path pays nothing."""
	if frappe.flags.itil_ticket_sync:
		return
	before = incident.get_doc_before_save()
	if not force and (
		before is None or all(str(before.get(f) or "") == str(incident.get(f) or "") for f in SHOWN_ON_TICKET)
	):
		return
	wanted_status = rules.ticket_status_for(incident.status, before.status if before else None)
	for platform, name in tickets_of(incident.name):
		_push(incident, platform, name, wanted_status)


def priority_map(doctype: str) -> dict[str, str]:
	return {
		row.priority: row.ticket_priority
		for row in frappe.get_cached_doc("ITIL Settings").ticket_priority_map
		if row.source_doctype == doctype
	}


def tickets_of(incident_name: str) -> list[tuple[Platform, str]]:
	"""Every ticket that follows this incident: the one that raised it, and those merged into it."""
	doctypes = [doctype for doctype in PLATFORMS if bridged(doctype)]
	if not doctypes:
		return []
	rows = frappe.db.sql(  # one round trip for every ticketing doctype (on every status change)
		" union all ".join(
			f"select %s as doctype, name from `tab{doctype}` where itil_incident = %s" for doctype in doctypes
		),
		[value for doctype in doctypes for value in (doctype, incident_name)],
	)
	return [(PLATFORMS[doctype], name) for doctype, name in rows]


def follow_sla_status(incident_names: list[str]) -> int:
	"""The SLA sweep's ``itil_sla_status_changed``: it moved these incidents' SLA status (Warning,
	Breached...) without saving them; their tickets show it too. Per ticketing doctype, the tickets that
	differ are found and updated in one statement (a re-run changes nothing). Returns the tickets updated."""
	if not incident_names:
		return 0
	updated = 0
	for doctype in PLATFORMS:
		if not bridged(doctype):
			continue
		ticket, incident = frappe.qb.DocType(doctype), frappe.qb.DocType("ITIL Incident")
		differs = (
			(incident.name.isin(incident_names))
			& (ticket.itil_incident == incident.name)
			& ((ticket.itil_sla_status != incident.sla_status) | ticket.itil_sla_status.isnull())
		)
		stale = frappe.qb.from_(ticket).from_(incident).select(ticket.name).where(differs).run(pluck=True)
		if stale:
			(
				frappe.qb.update(ticket)
				.join(incident)
				.on(incident.name == ticket.itil_incident)
				.set(ticket.itil_sla_status, incident.sla_status)
				.where(ticket.name.isin(stale))
			).run()
		updated += len(stale)
	return updated


def _push(incident, platform: Platform, name: str, wanted_status: str | None) -> None:
	clock = {
		"itil_priority": incident.priority,
		"itil_response_by": incident.response_by,
		"itil_resolution_by": incident.resolution_by,
		"itil_sla_status": incident.sla_status,
	}
	current = frappe.db.get_value(platform.doctype, name, [*clock, "priority", "status"], as_dict=True)
	changed = {k: v for k, v in clock.items() if str(current.get(k) or "") != str(v or "")}
	if changed:
		frappe.db.set_value(platform.doctype, name, changed, update_modified=False)
	wanted_priority = rules.map_priority(incident.priority, priority_map(platform.doctype))
	if wanted_priority and not frappe.db.exists(platform.priority_doctype, wanted_priority):
		wanted_priority = None
	if wanted_status == "Resolved" and incident.resolved_on:
		_send_resolution(incident, platform, name)
	if (wanted_priority and wanted_priority != current.priority) or (
		wanted_status and wanted_status != current.status
	):
		with syncing():
			ticket = frappe.get_doc(platform.doctype, name)
			if wanted_priority:
				ticket.priority = wanted_priority
			if wanted_status:
				ticket.status = wanted_status
			ticket.flags.ignore_permissions = True
			ticket.save()


def _send_resolution(incident, platform: Platform, name: str) -> None:
	"""One reply to the customer per resolution and ticket: the resolution notes."""
	sent = frappe.db.get_value(platform.doctype, name, "itil_resolution_sent")
	if sent and get_datetime(sent) == get_datetime(incident.resolved_on):
		return
	notes = incident.resolution_notes or _("Your request has been resolved ({0}).").format(
		_(incident.resolution_code or "Resolved")
	)
	send_reply(platform.doctype, name, notes)
	frappe.db.set_value(
		platform.doctype, name, "itil_resolution_sent", incident.resolved_on, update_modified=False
	)


def send_reply(doctype: str, name: str, content: str, recipients: str | None = None) -> None:
	"""A message to the customer on a ticket (to its sender) or an incident (to ``recipients``), by
	email when an outgoing account exists; recorded on the record's timeline either way."""
	from frappe.core.doctype.communication.email import make

	doc = frappe.get_doc(doctype, name)
	recipients = recipients or doc.get("raised_by") or None
	with syncing():
		make(
			doctype=doctype,
			name=doc.name,
			subject=_("Re: {0}").format(doc.get("subject") or doc.name),
			content=content,
			recipients=recipients,
			communication_medium="Email",
			sent_or_received="Sent",
			send_email=bool(recipients) and _can_send_email(doctype),
		)


def _can_send_email(doctype: str | None = None) -> bool:
	"""An outgoing Email Account Frappe would use (else the reply is recorded, not mailed)."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	return bool(EmailAccount.find_outgoing(match_by_doctype=doctype, _raise_error=False))


# ------------------------------------------------------------------ ticket -> incident: what happens on the ticket


def on_ticket_update(doc, method=None):
	"""A ticket's status moved without the bridge asking: a customer's reply, a close by the customer."""
	incident_name = doc.get("itil_incident")
	if frappe.flags.itil_ticket_sync or not incident_name:
		return
	before = doc.get_doc_before_save()
	if not before or before.status == doc.status:
		return
	if not frappe.db.exists("ITIL Incident", incident_name):
		doc.add_comment("Info", _("Its ITIL incident {0} no longer exists.").format(incident_name))
		return
	incident = frappe.get_doc("ITIL Incident", incident_name)
	_react(
		incident, rules.reaction_to_ticket(before.status, doc.status, incident.status), doc.doctype, doc.name
	)


def on_ticket_response(doc, method=None):
	"""Communication after_insert: the agent's reply to the caller on a ticket is its incident's first
	response."""
	if doc.reference_doctype == "ITIL Incident" or not response.is_reply_to_caller(doc):
		return
	incident = incident_of_reference(doc.reference_doctype, doc.reference_name)
	if incident:
		response.record_first_response(incident, site_time.now(), via=doc.name)


def on_ticket_reply(doc, method=None):
	"""Communication after_insert: the customer's reply on a ticket, or on the incident itself (a mail
	in its thread, a reply on the portal), reopens the resolved incident (ERPNext reopens an Issue with
	a bare db_set, so the ticket's own hooks do not see it)."""
	if (
		frappe.flags.itil_ticket_sync
		or doc.flags.itil_answered  # an answer to the resolution (customer_portal.resolution)
		or doc.sent_or_received != "Received"
		or doc.communication_type != "Communication"
	):
		return
	if doc.reference_doctype != "ITIL Incident" and not bridged(doc.reference_doctype):
		return
	name = incident_of_reference(doc.reference_doctype, doc.reference_name)
	if name:
		incident = frappe.get_doc("ITIL Incident", name)
		_react(
			incident,
			rules.reaction_to_customer_reply(incident.status),
			doc.reference_doctype,
			doc.reference_name,
		)


def _react(incident, reaction: rules.Reaction, doctype: str, name: str) -> None:
	if reaction.action == "reopen":
		with syncing():
			incident.status = "In Progress"
			incident.flags.ignore_permissions = True
			incident.save()
		if doctype == "ITIL Incident":
			incident.add_comment("Info", _("Reopened: {0}.").format(_(reaction.reason)))
		else:
			incident.add_comment(
				"Info", _("Reopened from {0} {1}: {2}.").format(doctype, name, _(reaction.reason))
			)
	elif reaction.action in ("note_closed_by_customer", "note_reply_after_close"):
		incident.add_comment("Info", _("{0} {1}: {2}.").format(doctype, name, _(reaction.reason)))


def incident_of_reference(doctype: str | None, name: str | None) -> str | None:
	"""The incident a Communication is about: the incident itself, or the ticket's incident."""
	if not (doctype and name):
		return None
	if doctype == "ITIL Incident":
		return name
	if bridged(doctype):
		incident = frappe.db.get_value(doctype, name, "itil_incident")
		return incident if incident and frappe.db.exists("ITIL Incident", incident) else None
	return None


def link_reply_to_incident(doc, method=None):
	"""Communication before_insert: a reply on a ticket is shown on its incident's timeline too (a
	link, not a copy)."""
	if doc.reference_doctype == "ITIL Incident":
		return
	incident = incident_of_reference(doc.reference_doctype, doc.reference_name)
	if incident and not any(
		l.link_doctype == "ITIL Incident" and l.link_name == incident for l in doc.get("timeline_links") or []
	):
		doc.add_link("ITIL Incident", incident)
