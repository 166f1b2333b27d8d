"""Helpdesk tickets and ERPNext Issues become ITIL incidents, and the two stay in sync (R1).

- A ticket raises its incident by hand (``raise_incident``: the desk form, Helpdesk's agent app) or
  automatically for the ticket types listed in ITIL Settings (``on_ticket_insert``). One ticket, one
  incident: the ticket row is locked while its incident is raised.
- The incident pushes to its ticket: priority (through the map of ITIL Settings), its clock
  (read-only ``itil_*`` fields), Resolved / Closed with one reply carrying the resolution notes.
- The ticket pushes to its incident: a customer's reply on a resolved ticket reopens the incident;
  a ticket closed while the incident is open is written on the incident, which stays open; replies
  on the ticket are linked to the incident's timeline; the agent's first reply is the first response.
- Nothing is lost: a ticket whose incident cannot be raised is saved all the same, with the reason
  on its timeline, in ``itil_intake_error`` and in the Error Log, and ``retry_intake`` tries again.

Writes made by the bridge itself run under ``syncing()``, so the other side's hooks do not echo them.
The rules are pure functions in itil_crm.engines.ticket_bridge.
"""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime, strip_html

from itil_crm.api_guards import checked
from itil_crm.engines import ticket_bridge as rules
from itil_crm.integrations.apps import is_installed
from itil_crm.integrations.ticket_platforms import PLATFORMS, Platform, platform_of
from itil_crm.service_desk.callers import email_of

RETRY_BATCH = 200


@contextmanager
def syncing():
	previous = frappe.flags.itil_ticket_sync
	frappe.flags.itil_ticket_sync = True
	try:
		yield
	finally:
		frappe.flags.itil_ticket_sync = previous


def _platform(doctype: str) -> Platform:
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


def intake_mode(doctype: str) -> tuple[str, str | None]:
	"""(mode, automatic ticket types) from ITIL Settings; a platform without a row is Manual."""
	for row in frappe.get_cached_doc("ITIL Settings").ticket_intake:
		if row.source_doctype == doctype:
			return row.mode or "Manual", row.automatic_types
	return "Manual", None


# ------------------------------------------------------------------ ticket -> incident: raising it


@frappe.whitelist()
@checked
def raise_incident(doctype: str, name: str | int) -> str:
	"""The agent's action on a ticket: its incident (raised now, or the one it already has)."""
	_platform(doctype)
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
	return incident_for(doctype, name)


def incident_for(doctype: str, name: str | int) -> str:
	"""One ticket, one incident, also under concurrent requests: the ticket row is locked first."""
	platform = _platform(doctype)
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
	push_to_ticket(frappe.get_doc("ITIL Incident", existing))
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


# ------------------------------------------------------------------ incident -> ticket


SHOWN_ON_TICKET = ("status", "priority", "response_by", "resolution_by", "sla_status")


def on_incident_update(doc, method=None):
	"""Push to the incident's tickets what they show, when it changed. A new incident has no ticket
	yet (the bridge links one, then pushes itself), so the incident's hot path pays nothing."""
	before = doc.get_doc_before_save()
	if frappe.flags.itil_ticket_sync or before is None:
		return
	if any(str(before.get(f) or "") != str(doc.get(f) or "") for f in SHOWN_ON_TICKET):
		push_to_ticket(doc)


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


def push_to_ticket(incident) -> None:
	before = incident.get_doc_before_save()
	wanted_status = rules.ticket_status_for(incident.status, before.status if before else None)
	for platform, name in tickets_of(incident.name):
		_push(incident, platform, name, wanted_status)


def follow_sla_status(incident_names: list[str]) -> int:
	"""The sweep moved these incidents' SLA status (Warning, Breached...) without saving them: their
	tickets show it too. One UPDATE per ticketing doctype, touching only the tickets that differ
	(a re-run changes nothing). Returns the tickets updated."""
	if not incident_names:
		return 0
	updated = 0
	for doctype in PLATFORMS:
		if not bridged(doctype):
			continue
		frappe.db.sql(
			f"""update `tab{doctype}` t join `tabITIL Incident` i on i.name = t.itil_incident
			set t.itil_sla_status = i.sla_status
			where i.name in %(names)s and not (t.itil_sla_status <=> i.sla_status)""",
			{"names": incident_names},
		)
		updated += frappe.db._cursor.rowcount
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
	reply(platform.doctype, name, notes)
	frappe.db.set_value(
		platform.doctype, name, "itil_resolution_sent", incident.resolved_on, update_modified=False
	)


def reply(doctype: str, name: str, content: str, recipients: str | None = None) -> None:
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


def on_ticket_reply(doc, method=None):
	"""Communication after_insert: the customer's reply on a ticket, or on the incident itself (a mail
	in its thread, a reply on the portal), reopens the resolved incident (ERPNext reopens an Issue with
	a bare db_set, so the ticket's own hooks do not see it)."""
	if (
		frappe.flags.itil_ticket_sync
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
