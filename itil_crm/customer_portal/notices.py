"""The customer is told when the service desk replies: the reply itself goes by mail to its recipients
(Frappe sends a Communication made with "Send" to its recipients); besides, each portal user it is
addressed to gets a Frappe notification (Notification Log, an alert: never a second mail) and sees the
incident marked "New reply" on /incidents until they open it."""

from __future__ import annotations

import frappe
from frappe import _

from itil_crm.customer_portal.access import DOCTYPE
from itil_crm.frappe_fixes.portal_requests import restricted
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.notifications import alert
from itil_crm.service_desk.callers import email_of


def on_desk_reply(doc, method=None):
	"""Communication after_insert: a message sent to the customer on an incident (or on its ticket)
	alerts the portal users it is addressed to."""
	if doc.sent_or_received != "Sent" or doc.communication_type != "Communication":
		return
	from itil_crm.customer_portal.incidents import customer_emails
	from itil_crm.ticket_bridge.sync import incident_of_reference

	name = incident_of_reference(doc.reference_doctype, doc.reference_name)
	if not name:
		return
	incident = frappe.get_doc(DOCTYPE, name)
	addressed = {email_of(a) for a in f"{doc.recipients or ''},{doc.cc or ''}".split(",")} - {None, ""}
	addressed &= customer_emails(incident)
	if not addressed:
		return
	users = [
		u
		for u in frappe.get_all(
			"User", filters={"email": ["in", sorted(addressed)], "enabled": 1}, pluck="name"
		)
		if restricted(u)
	]
	alert(users, DOCTYPE, name, _("The service desk replied on {0}: {1}").format(name, incident.subject))


def unread(user: str, names: list[str]) -> set[str]:
	"""The incidents among ``names`` with a reply the user has not seen yet."""
	if not names:
		return set()
	return set(
		frappe.get_all(
			"Notification Log",
			filters={"for_user": user, "document_type": DOCTYPE, "document_name": ["in", names], "read": 0},
			pluck="document_name",
		)
	)


@frappe.whitelist(methods=["POST"])
@checked
def seen(incident: str | None = None) -> None:
	"""The incident's page was opened: its replies are seen (the session user's alerts only)."""
	user = frappe.session.user
	if user == "Guest" or not isinstance(incident, str) or not incident:
		return
	for log in frappe.get_all(
		"Notification Log",
		filters={"for_user": user, "document_type": DOCTYPE, "document_name": incident, "read": 0},
		pluck="name",
	):
		frappe.db.set_value("Notification Log", log, "read", 1, update_modified=False)
