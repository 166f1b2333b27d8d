"""The customer's answer to a resolution: they confirm it (the incident closes) or say it is not solved
(it reopens, with their reason in their own words on the timeline), from the incident's portal page or
by replying to the resolution mail.

- The resolution mail is a Frappe Notification (*ITIL Incident Resolved*, editable, can be disabled) sent
  to the caller when an incident is resolved (not for an incident from a Helpdesk ticket or an ERPNext
  Issue: the ticket tells its customer). It links to the incident's page, where two buttons answer, and
  says which word to start a reply with: ``CONFIRM`` or ``NOT SOLVED`` (itil_crm.engines.customer_answer).
- A reply by mail (to that mail, or in the incident's or its ticket's thread) whose first line starts
  with a keyword answers, if it comes from the caller or a contact of the incident's customer; from
  anyone else it changes nothing and is noted. A reply without a keyword reopens a resolved incident,
  as before (itil_crm.ticket_bridge.sync.on_ticket_reply).
- Only the incident's caller or a contact of its customer answers (anyone else: PermissionError, 403);
  only a resolved incident is confirmed or reopened; the same answer twice changes nothing the second
  time. The move is the incident lifecycle's (Resolved -> Closed, Resolved -> In Progress), saved
  through the incident's controller like any other.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.core.utils import html2text

from itil_crm.customer_portal.access import DOCTYPE, scope
from itil_crm.customer_portal.incidents import MAX_TEXT, _as_html, _text, customer_emails, customer_message
from itil_crm.engines.customer_answer import CONFIRM, REOPEN, AnswerRefused, move_for, read_answer
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.service_desk.callers import email_of

NOTIFICATION = "ITIL Incident Resolved"


# ------------------------------------------------------------------------------ on the portal


@frappe.whitelist(methods=["POST"])
@checked
def confirm_resolution(incident: str | None = None) -> str:
	"""The customer confirms the resolution: the incident closes. Returns its status."""
	doc = _own_incident(incident)
	return answer(doc, CONFIRM, via=_("on the portal"))


@frappe.whitelist(methods=["POST"])
@checked
def reopen_incident(incident: str | None = None, reason: str | None = None) -> str:
	"""The customer says the problem is not solved: the incident reopens and their reason is a message
	from them on its timeline. Returns its status."""
	doc = _own_incident(incident)
	reason = _text(reason, "What is still wrong", MAX_TEXT)
	before = doc.status
	status = answer(doc, REOPEN, via=_("on the portal"))
	if status != before:  # reopened now: their reason, in their words, on the timeline and the portal
		customer_message(doc, _as_html(reason), answered=True)
	return status


def _own_incident(name):
	"""The incident, locked for the answer, if the session user is its caller or a contact of its
	customer; else a PermissionError that does not say whether it exists."""
	user = frappe.session.user
	refused = frappe.PermissionError(
		_("Only the incident's caller or a contact of its customer may answer its resolution.")
	)
	if user == "Guest" or not isinstance(name, str) or not name or not frappe.db.exists(DOCTYPE, name):
		raise refused
	doc = frappe.get_doc(DOCTYPE, name, for_update=True)  # a double click waits, then finds it done
	if not scope(user).covers(doc):
		raise refused
	return doc


# ------------------------------------------------------------------------------ the answer itself


def answer(doc, kind: str, via: str) -> str:
	"""Move the incident as the answer asks (nothing when it is done already); note it on the timeline.
	Returns the incident's status."""
	try:
		target = move_for(kind, doc.status)
	except AnswerRefused:
		frappe.throw(
			_("Incident {0} is {1}: only a resolved incident can be confirmed or reopened.").format(
				doc.name, _(doc.status)
			),
			frappe.ValidationError,
		)
	if target is None:
		return doc.status
	doc.status = target
	doc.flags.ignore_permissions = True
	doc.save()
	if kind == CONFIRM:
		doc.add_comment("Info", _("Closed: the customer confirmed the resolution ({0}).").format(via))
	else:
		doc.add_comment("Info", _("Reopened: the customer says it is not solved ({0}).").format(via))
	return doc.status


# ------------------------------------------------------------------------------ by mail


def on_customer_mail(doc, method=None):
	"""Communication after_insert (before the ticket bridge's reopen on any reply): a mail received on
	an incident, or on its ticket, whose first line is an answer to the resolution (CONFIRM, NOT
	SOLVED) confirms or reopens it. The mail itself is the customer's words on the timeline."""
	if (
		not doc.flags.in_receive
		or doc.flags.itil_answered
		or doc.sent_or_received != "Received"
		or doc.communication_type != "Communication"
	):
		return
	from itil_crm.ticket_bridge.sync import incident_of_reference

	name = incident_of_reference(doc.reference_doctype, doc.reference_name)
	said = read_answer(doc.text_content or html2text(doc.content or "")) if name else None
	if not said:
		return  # a plain reply: the ticket bridge reopens a resolved incident, as always
	incident = frappe.get_doc(DOCTYPE, name, for_update=True)
	try:
		target = move_for(said.kind, incident.status)
	except AnswerRefused:
		return  # not resolved: an ordinary reply
	doc.flags.itil_answered = True  # the bridge's reopen on any reply leaves this one alone
	if target is None:
		return  # answered already (the same mail twice)
	sender = email_of(doc.sender)
	if sender not in customer_emails(incident):
		incident.add_comment(
			"Info",
			_(
				"{0} answered the resolution by mail but is neither the caller nor a contact of the customer: nothing changed."
			).format(sender),
		)
		return
	answer(incident, said.kind, via=_("by mail"))


# ------------------------------------------------------------------------------ the resolution mail

MESSAGE = """<p>{{ _("Hello,") }}</p>
<p>{{ _("We have resolved your incident {0}: {1}.").format(doc.name, doc.subject) }}</p>
{% if doc.resolution_notes %}<div>{{ doc.resolution_notes }}</div>{% endif %}
<p>{{ _("Is your problem solved?") }}</p>
<p>
<a href="{{ frappe.utils.get_url('/incidents/' + doc.name + '?answer=confirm#answer') }}">{{ _("Yes, it is solved") }}</a>
&nbsp;&middot;&nbsp;
<a href="{{ frappe.utils.get_url('/incidents/' + doc.name + '?answer=reopen#answer') }}">{{ _("No, it is not solved") }}</a>
</p>
<p>{{ _("Or reply to this mail: start your reply with CONFIRM if it is solved, or with NOT SOLVED followed by what is still wrong. Any other reply reopens the incident.") }}</p>
"""


def on_resolved(incident) -> None:
	"""hooks.py itil_incident_resolved: the incident's save resolved it. Its caller is mailed after the commit,
	in a job: the agent's resolve does not wait for the mail to be composed and queued."""
	frappe.enqueue(
		"itil_crm.customer_portal.resolution.send_resolution_mail",
		queue="short",
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		incident=incident.name,
	)


def send_resolution_mail(incident: str) -> None:
	"""The job: Frappe evaluates the Notification (its condition, recipient, template) on the incident as it is
	now; nothing when an admin disabled it or the incident is gone."""
	from frappe.email.doctype.notification.notification import evaluate_alert

	if not frappe.db.get_value("Notification", NOTIFICATION, "enabled") or not frappe.db.exists(
		DOCTYPE, incident
	):
		return
	evaluate_alert(frappe.get_doc(DOCTYPE, incident), frappe.get_doc("Notification", NOTIFICATION), "Custom")


def seed_resolution_mail():
	"""The Notification that mails the caller when their incident is resolved (created once; an
	admin may edit or disable it). Its event is *Custom*: Frappe does not send it in the save that resolves
	the incident; ``send_resolution_mail`` does, in a job after the commit."""
	if frappe.db.exists("Notification", NOTIFICATION):
		if frappe.db.get_value("Notification", NOTIFICATION, "event") == "Value Change":
			# as a development version of 0.4 seeded it: sent in the save itself
			frappe.db.set_value("Notification", NOTIFICATION, {"event": "Custom", "value_changed": None})
		return
	frappe.get_doc(
		{
			"doctype": "Notification",
			"name": NOTIFICATION,
			"subject": "[{{ doc.name }}] {{ _('Resolved') }}: {{ doc.subject }}",
			"document_type": DOCTYPE,
			"event": "Custom",
			"condition": 'doc.status == "Resolved" and doc.caller_email'
			' and doc.source_type not in ("HD Ticket", "Issue")',
			"channel": "Email",
			"message_type": "HTML",
			"message": MESSAGE,
			"recipients": [{"receiver_by_document_field": "caller_email"}],
			"enabled": 1,
		}
	).insert(ignore_permissions=True)
