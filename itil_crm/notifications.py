"""In-app alerts (Frappe Notification Log: the bell) sent by the app's jobs and endpoints, and by the
Notifications on the app's records; each also reaches the user by mail where their Notification Settings
keep email on (``mail_alert``)."""

import frappe
from frappe.desk.doctype.notification_log.notification_log import send_notification_email
from frappe.desk.doctype.notification_settings.notification_settings import is_email_notifications_enabled
from frappe.email.doctype.notification.notification import get_context
from frappe.utils.caching import request_cache

from itil_crm.frappe_fixes.count_and_search import ours


def alert(users, doctype: str, name: str, subject: str) -> int:
	"""One alert per user (duplicates, Guest and empty names skipped); how many were written."""
	sent = 0
	for user in dict.fromkeys(users or []):
		if not user or user == "Guest":
			continue
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"subject": subject,
				"email_content": subject,
				"document_type": doctype,
				"document_name": name,
			}
		).insert(ignore_permissions=True)
		sent += 1
	return sent


def mail_alert(log, method=None) -> bool:
	"""Notification Log inserted: Frappe mails a mention, an assignment or a share to users who keep email
	notifications on (Notification Settings), but never an alert. An in-app alert about one of the app's
	records is mailed the same way (Frappe's own notification mail), unless an email Notification on the same
	record already mails that user (an SLA alert's seeded email Notification). Desk users only: a portal
	customer's alert is about a reply that was mailed to them already, and Frappe's mail links to the desk.
	A mail that cannot be sent (no outgoing account) is logged: the alert stays. Whether it was mailed."""
	if log.type != "Alert" or not log.document_type or not ours(log.document_type):
		return False
	if frappe.db.get_value("User", log.for_user, "user_type") != "System User":
		return False
	if not is_email_notifications_enabled(log.for_user):
		return False
	if mailed_by_notification(log.document_type, log.document_name, log.for_user):
		return False
	frappe.db.savepoint("itil_alert_mail")
	try:
		# Frappe's mail has a header per notification type and none for alerts: the default one
		send_notification_email(frappe._dict(log.as_dict(), type=None))
	except Exception:
		# Frappe raises more than OutgoingEmailError on a site whose outgoing account is incomplete; the in-app
		# alert must not be undone by its mail, nor half of the mail kept
		frappe.db.rollback(save_point="itil_alert_mail")
		frappe.clear_last_message()
		log.log_error("ITIL alert not mailed")
		return False
	return True


def for_incident_assignees(rule):
	"""A Notification as it applies to a record that carries its incident's assignees (an SLA alert's
	``incident_assignees``: their email addresses when it was raised; the alert itself is never assigned):
	*Send To All Assignees* means the incident's assignees, Frappe sending as for any other recipient."""
	if not rule.send_to_all_assignees or not frappe.get_meta(rule.document_type).has_field(
		"incident_assignees"
	):
		return rule
	rule = frappe.get_doc(rule.as_dict())  # a copy for this delivery, never saved
	rule.send_to_all_assignees = 0
	rule.append("recipients", {"receiver_by_document_field": "incident_assignees"})
	return rule


def mailed_by_notification(doctype: str, name: str, user: str) -> bool:
	"""Whether an enabled email Notification on new records of this doctype mails this record to this user
	(so the in-app alert's own mail would be a second one)."""
	mailed = mailed_to(doctype, name)
	return bool(mailed) and frappe.db.get_value("User", user, "email") in mailed


@request_cache
def mailed_to(doctype: str, name: str) -> frozenset[str]:
	"""The addresses the enabled email Notifications on new records of this doctype mail this record to:
	worked out once per record, not once per user its in-app alert reaches."""
	rules = frappe.get_all(
		"Notification",
		filters={"document_type": doctype, "event": "New", "enabled": 1, "channel": "Email"},
		pluck="name",
	)
	if not rules or not frappe.db.exists(doctype, name):
		return frozenset()
	doc = frappe.get_doc(doctype, name)
	context = get_context(doc)
	mailed = set()
	for rule in (for_incident_assignees(frappe.get_cached_doc("Notification", r)) for r in rules):
		if rule.condition and not frappe.safe_eval(rule.condition, None, context):
			continue
		recipients, cc, bcc = rule.get_list_of_recipients(doc, context)
		mailed.update(recipients, cc, bcc)
	return frozenset(mailed - {None, ""})
