"""The customer portal's incidents (/incidents): what the pages show, and the two things a customer
does there, report an incident and reply, through whitelisted methods that compute every field
themselves (only subject, description, service, customer choice and files come from the form).

Who sees what is decided by itil_crm.customer_portal.access; this module never reads an
incident the session user could not read through /api/resource.
"""

from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.utils import (
	escape_html,
	format_datetime,
	get_datetime,
	get_system_timezone,
	get_user_date_format,
	now_datetime,
)
from frappe.utils.html_utils import sanitize_html

from itil_crm.customer_portal.access import DOCTYPE, PORTAL_ROLE, Scope, scope
from itil_crm.engines.customer_promises import Promise, distance, promises
from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.service_desk.callers import contact_for, email_of
from itil_crm.ticket_bridge.sync import bridged

MAX_SUBJECT = 140
MAX_TEXT = 20_000
MAX_FILES = 5
PAGE = 20
LIST_FIELDS = [
	"name", "subject", "status", "priority", "opened_on", "sla_status",
	"response_by", "first_responded_on", "resolution_by", "resolved_on", "closed_on",
]  # fmt: skip


# ------------------------------------------------------------------------------ reading


def require_login(path: str) -> None:
	"""The pages' guard: a guest is sent to the login page and comes back; a user who may not read
	incidents is told why, in words."""
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = f"/login?redirect-to={path}"
		raise frappe.Redirect
	if not frappe.has_permission(DOCTYPE, "read"):
		frappe.throw(
			_("Your account cannot see incidents yet. Ask the service desk to link it to your organisation."),
			frappe.PermissionError,
		)


def incident_list(status: str = "open", start: int = 0) -> list[dict]:
	"""The session user's incidents, newest first, through the permission rules (never around them)."""
	filters = {"status": ["in", OPEN_STATUSES]} if status == "open" else {}
	rows = frappe.get_list(
		DOCTYPE,
		fields=LIST_FIELDS,
		filters=filters,
		order_by="opened_on desc, name desc",
		limit_start=max(int(start or 0), 0),
		limit_page_length=PAGE + 1,  # one more tells whether there is a next page
	)
	from itil_crm.customer_portal.notices import unread

	new_replies = unread(frappe.session.user, [row.name for row in rows])
	for row in rows:
		row.new_reply = row.name in new_replies
		said = promises_of(row)
		row.promise = sentence(said[-1]) if said else ""
		row.opened = moment(row.opened_on)
	return rows


def readable(name: str):
	"""The incident, if the session user may see it on the portal; else a PermissionError that does
	not say whether it exists."""
	if not name or not frappe.db.exists(DOCTYPE, name):
		raise frappe.PermissionError(_("You are not allowed to see this incident."))
	doc = frappe.get_doc(DOCTYPE, name)
	if not frappe.has_website_permission(doc):
		raise frappe.PermissionError(_("You are not allowed to see this incident."))
	return doc


def incident_view(doc) -> dict:
	"""What the incident page shows: level-0 fields only, plus sentences about the deadlines."""
	service = None
	if doc.configuration_item:
		ci = frappe.db.get_value(
			"ITIL Configuration Item",
			doc.configuration_item,
			["ci_name", "published_on_portal"],
			as_dict=True,
		)
		service = ci.ci_name if ci and ci.published_on_portal else None
	return {
		"name": doc.name,
		"subject": doc.subject,
		"status": doc.status,
		"priority": doc.priority,
		"opened_on": moment(doc.opened_on),
		"times": times_note(),
		"caller_name": frappe.db.get_value("Contact", doc.caller, "full_name") if doc.caller else None,
		"customer": doc.customer,
		"service": service,
		"description": sanitize_html(doc.description or "", always_sanitize=True),
		"resolution_notes": sanitize_html(doc.resolution_notes or "", always_sanitize=True)
		if doc.status in ("Resolved", "Closed")
		else "",
		"merged": bool(doc.duplicate_of),
		"promises": [sentence(p) for p in promises_of(doc)],
		"replies": public_replies(doc),
		"attachments": own_attachments(doc.name),
		"can_reply": doc.status not in ("Closed", "Cancelled"),
		"can_answer": doc.status == "Resolved" and scope().covers(doc),
	}


def promises_of(doc) -> list[Promise]:
	def dt(value):
		return get_datetime(value) if value else None

	return promises(
		doc.status,
		doc.sla_status,
		dt(doc.response_by),
		dt(doc.first_responded_on),
		dt(doc.resolution_by),
		dt(doc.resolved_on),
		dt(doc.closed_on),
		now_datetime(),
	)


def viewer_zone() -> str | None:
	"""The time zone the session user chose (User.time_zone); None: the browser's is used. Frappe fills
	a new user's zone with the site's: that one is no choice (a customer abroad keeps the site's
	default), so the browser, which knows where they are, says."""
	zone = frappe.db.get_value("User", frappe.session.user, "time_zone") if frappe.session.user else None
	if not zone or zone == get_system_timezone():
		return None
	try:
		return zone if ZoneInfo(zone) else None
	except (ZoneInfoNotFoundError, ValueError):
		return None


def moment(value) -> str:
	"""A date and time for the portal, to the minute: markup, a ``<time>`` whose text is in the viewer's
	zone (their user's, else the site's until the page's script puts it in the browser's) and whose
	``datetime`` is the instant in UTC. Deadlines are stored naive, in the site's system zone."""
	if not value:
		return ""
	system = ZoneInfo(get_system_timezone())
	instant = get_datetime(value).replace(tzinfo=system)
	shown = instant.astimezone(ZoneInfo(viewer_zone() or get_system_timezone())).replace(tzinfo=None)
	text = format_datetime(shown, get_user_date_format().replace("mm", "MM") + " HH:mm")
	utc = instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
	return f'<time datetime="{utc}" data-itil="time">{escape_html(text)}</time>'


def times_note() -> dict:
	"""What the pages say about their times, and what their script needs to show them in the
	browser's zone when the user chose none."""
	zone = viewer_zone()
	return {
		"zone": zone or "",
		"date_format": get_user_date_format(),
		"note": escape_html(_("Times are in the {0} time zone.")).format(
			f'<span data-itil="zone">{escape_html(zone or get_system_timezone())}</span>'
		),
	}


def sentence(p: Promise) -> str:
	"""A promise in words, as markup (the words escaped, the times as ``<time>``)."""
	when = moment(p.when)
	relative = escape_html(_relative(p.when)) if p.when else ""

	def say(text: str, *args) -> str:
		return escape_html(text).format(*args)

	return {
		"responded": lambda: say(_("We answered on {0}."), when),
		"response_due": lambda: say(_("We will answer by {0} ({1})."), when, relative),
		"response_late": lambda: say(_("Our answer is late: it was due on {0} ({1})."), when, relative),
		"resolution_due": lambda: say(_("We aim to resolve it by {0} ({1})."), when, relative),
		"resolution_late": lambda: say(
			_("The resolution is late: it was due on {0} ({1}). We are on it."), when, relative
		),
		"paused": lambda: say(
			_("We are waiting for information from you; the clock is stopped until you reply.")
		),
		"resolved": lambda: (
			say(_("Resolved on {0}. Reply below if the problem is still there."), when)
			if when
			else say(_("Resolved. Reply below if the problem is still there."))
		),
		"closed": lambda: say(_("Closed on {0}."), when) if when else say(_("Closed.")),
		"cancelled": lambda: say(_("Cancelled.")),
	}[p.kind]()


def _relative(when) -> str:
	seconds = (get_datetime(when) - now_datetime()).total_seconds()
	n, unit = distance(seconds)
	if n == 0:
		return _("now")
	span = {
		("minute", False): _("{0} minute"),
		("minute", True): _("{0} minutes"),
		("hour", False): _("{0} hour"),
		("hour", True): _("{0} hours"),
		("day", False): _("{0} day"),
		("day", True): _("{0} days"),
	}[(unit, n > 1)].format(n)
	return _("in {0}").format(span) if seconds > 0 else _("{0} ago").format(span)


def customer_emails(doc) -> set[str]:
	"""The addresses a reply may come from or go to for it to be public: the caller's, and those of
	the contacts of the incident's customer."""
	emails = {email_of(doc.caller_email)} if doc.caller_email else set()
	contacts = [doc.caller] if doc.caller else []
	if doc.customer_type and doc.customer:
		contacts += frappe.get_all(
			"Dynamic Link",
			filters={
				"parenttype": "Contact",
				"link_doctype": doc.customer_type,
				"link_name": doc.customer,
			},
			pluck="parent",
		)
	if contacts:
		emails |= {
			e.lower()
			for e in frappe.get_all(
				"Contact Email",
				filters={"parent": ["in", contacts], "parenttype": "Contact"},
				pluck="email_id",
			)
		}
	return {e for e in emails if e}


def public_messages(doc) -> list[dict]:
	"""Messages between the service desk and the customer on the incident or its ticket: received
	from, or sent to, one of the customer's addresses. Internal notes (comments) and mail exchanged
	with anyone else (an engineer, a supplier) are never among them."""
	rows = frappe.db.sql(
		"""select c.name, c.sent_or_received, c.sender, c.sender_full_name, c.recipients, c.cc,
			c.content, c.communication_date
		from `tabCommunication` c
		where c.communication_type = 'Communication' and (
			(c.reference_doctype = %(dt)s and c.reference_name = %(name)s)
			or exists (select 1 from `tabCommunication Link` l where l.parent = c.name
				and l.link_doctype = %(dt)s and l.link_name = %(name)s))
		order by c.communication_date, c.creation""",
		{"dt": DOCTYPE, "name": doc.name},
		as_dict=True,
	)
	allowed = customer_emails(doc)
	out = []
	for r in rows:
		if r.sent_or_received == "Received":
			public = email_of(r.sender) in allowed
		else:
			addresses = {email_of(a) for a in ((r.recipients or "") + "," + (r.cc or "")).split(",")}
			public = bool(addresses & allowed)
		if public:
			out.append(r)
	return out


def message_files(messages: list[dict]) -> dict[str, list[dict]]:
	"""The files that went with each message (the attachments of a reply the desk sent by mail)."""
	files: dict[str, list[dict]] = {}
	if messages:
		for f in frappe.get_all(
			"File",
			filters={
				"attached_to_doctype": "Communication",
				"attached_to_name": ["in", [m.name for m in messages]],
			},
			fields=["attached_to_name", "file_name", "file_url"],
			order_by="creation",
		):
			files.setdefault(f.attached_to_name, []).append(
				{"file_name": f.file_name, "file_url": f.file_url}
			)
	return files


def public_file_urls(incident: str) -> set[str]:
	"""The files of an incident its customer may open besides their own: those that went with a
	message between the desk and them."""
	if not frappe.db.exists(DOCTYPE, incident):
		return set()
	doc = frappe.get_doc(DOCTYPE, incident)
	return {f["file_url"] for files in message_files(public_messages(doc)).values() for f in files}


def public_replies(doc) -> list[dict]:
	"""The public messages as the portal shows them, with the files that went with them."""
	messages = public_messages(doc)
	files = message_files(messages)
	return [
		{
			"from_customer": r.sent_or_received == "Received",
			"author": r.sender_full_name or r.sender or _("Service desk"),
			"content": sanitize_html(r.content or "", always_sanitize=True),
			"on": moment(r.communication_date),
			"files": files.get(r.name, []),
		}
		for r in messages
	]


def own_attachments(name: str) -> list[dict]:
	return frappe.get_all(
		"File",
		filters={"attached_to_doctype": DOCTYPE, "attached_to_name": name, "owner": frappe.session.user},
		fields=["file_name", "file_url"],
		order_by="creation",
	)


def published_services() -> list[dict]:
	"""The services a customer may name: CIs published on the portal, in operation. Name only."""
	return frappe.get_all(
		"ITIL Configuration Item",
		filters={"published_on_portal": 1, "lifecycle_status": ["!=", "Retired"]},
		fields=["name", "ci_name"],
		order_by="ci_name",
	)


# ------------------------------------------------------------------------------ writing


def _may_use_portal() -> None:
	user = frappe.session.user
	if user == "Guest":
		raise frappe.PermissionError(_("Please log in to report an incident."))
	if PORTAL_ROLE not in frappe.get_roles(user) and not frappe.has_permission(DOCTYPE, "create"):
		raise frappe.PermissionError(
			_("Your account cannot report incidents on the portal. Please contact the service desk.")
		)


def _text(value, label: str, limit: int, required: bool = True) -> str:
	text = (value if isinstance(value, str) else "").strip()
	if required and not text:
		frappe.throw(_("{0} is required.").format(_(label)), frappe.ValidationError)
	if len(text) > limit:
		frappe.throw(
			_("{0} is too long: {1} characters at most.").format(_(label), limit), frappe.ValidationError
		)
	return text


def _as_html(text: str) -> str:
	"""A customer's plain text, escaped, its lines kept."""
	return "<br>".join(escape_html(line) for line in text.splitlines())


def _uploaded_files() -> list:
	request = getattr(frappe.local, "request", None)
	files = [f for f in (request.files.getlist("attachments") if request else []) if f and f.filename]
	if len(files) > MAX_FILES:
		frappe.throw(_("Attach {0} files at most.").format(MAX_FILES), frappe.ValidationError)
	return files


def _attach(files, incident: str) -> list[str]:
	names = []
	for f in files:
		saved = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f.filename,
				"attached_to_doctype": DOCTYPE,
				"attached_to_name": incident,
				"content": f.stream.read(),
				"is_private": 1,
			}
		)
		saved.insert(ignore_permissions=True)  # File.validate checks size and allowed extensions
		names.append(saved.file_name)
	return names


def _caller(s: Scope) -> str:
	"""The session user's contact (created, linked to the user, when they have none)."""
	user = frappe.session.user
	if s.contacts:
		return s.contacts[0]
	email = email_of(frappe.db.get_value("User", user, "email") or user)
	if not email:
		frappe.throw(_("Your account has no email address: the service desk could not answer you."))
	contact = contact_for(email)
	frappe.db.set_value("Contact", contact, "user", user)
	return contact


@frappe.whitelist(methods=["POST"])
@checked
def report_incident(
	subject: str | None = None,
	description: str | None = None,
	service: str | None = None,
	customer: str | None = None,
) -> str:
	"""Report an incident from the portal; returns its name. Caller, customer, channel, impact,
	urgency, priority and deadlines are computed, never taken from the form."""
	_may_use_portal()
	subject = _text(subject, "Subject", MAX_SUBJECT)
	description = _text(description, "Description", MAX_TEXT)
	files = _uploaded_files()

	ci = None
	if service:
		allowed = {s.name for s in published_services()}
		if service not in allowed:
			frappe.throw(_("Choose the service from the list."), frappe.ValidationError)
		ci = service

	s = scope()
	chosen = None
	if customer:
		chosen = next((c for c in s.customers if "::".join(c) == customer), None)
		if not chosen:
			frappe.throw(_("Choose one of your organisations from the list."), frappe.ValidationError)
	elif len(s.customers) == 1:
		chosen = s.customers[0]
	elif len(s.customers) > 1:
		frappe.throw(_("Choose the organisation this incident is for."), frappe.ValidationError)

	doc = frappe.new_doc(DOCTYPE)
	doc.update(
		{
			"subject": subject,
			"description": _as_html(description),
			"caller": _caller(s),
			"caller_email": email_of(frappe.db.get_value("User", frappe.session.user, "email")),
			"channel": "Portal" if frappe.db.exists("ITIL Channel", "Portal") else None,
			"configuration_item": ci,
		}
	)
	if chosen:
		doc.customer_type, doc.customer = chosen
	doc.flags.ignore_permissions = True
	doc.insert()
	_attach(files, doc.name)
	return doc.name


@frappe.whitelist(methods=["POST"])
@checked
def add_reply(incident: str | None = None, message: str | None = None) -> str:
	"""A customer's reply from the portal: a received message on the incident (on its ticket when it
	came from Helpdesk or ERPNext, so the agents there see it; it shows on the incident's timeline
	either way). A reply to a resolved incident reopens it, as a reply by email does."""
	_may_use_portal()
	doc = readable(incident)
	if doc.status in ("Closed", "Cancelled"):
		frappe.throw(
			_("Incident {0} is {1}: please report a new incident.").format(doc.name, _(doc.status)),
			frappe.ValidationError,
		)
	message = _text(message, "Message", MAX_TEXT)
	files = _uploaded_files()
	names = _attach(files, doc.name)
	content = _as_html(message)
	if names:
		content += "<p>" + escape_html(_("Attached: {0}").format(", ".join(names))) + "</p>"
	return customer_message(doc, content)


def customer_message(doc, content: str, answered: bool = False) -> str:
	"""A message received from the session user on the incident (on its ticket when it came from
	Helpdesk or ERPNext, so the agents there see it; it shows on the incident's timeline either way).
	``answered``: it is the reason of an answer to the resolution, already applied."""
	reference = (DOCTYPE, doc.name)
	if (
		doc.source_type
		and doc.source_name
		and bridged(doc.source_type)
		and frappe.db.exists(doc.source_type, doc.source_name)
	):
		reference = (doc.source_type, doc.source_name)
	user = frappe.session.user
	communication = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": frappe.db.get_value("User", user, "email") or user,
			"sender_full_name": frappe.utils.get_fullname(user),
			"subject": _("Re: {0}").format(doc.subject),
			"content": content,
			"reference_doctype": reference[0],
			"reference_name": reference[1],
			"status": "Open",
		}
	)
	communication.flags.itil_answered = answered
	communication.insert(ignore_permissions=True)
	return communication.name
