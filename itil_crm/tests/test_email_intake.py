"""Incidents from a mailbox (an Email Account appended to ITIL Incident): the caller and customer come
from the sender, and a reply in the same thread joins the same incident (also on a frappe-only site)."""

import email

import frappe
from frappe.email.receive import InboundMail
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from itil_crm.customer_portal.resolution import NOTIFICATION, seed_resolution_mail
from itil_crm.tests.utils import timeline_notes

MAIL = """From: {sender}
To: servicedesk-itil@example.com
Subject: {subject}
Message-ID: <{message_id}@mail.example.com>
{in_reply_to}Date: Mon, 2 Mar 2026 09:00:00 +0100
Content-Type: text/plain; charset="utf-8"

{body}
"""


def mail(account, sender, subject, body, message_id, in_reply_to=None, reply_to_message=None):
	"""``in_reply_to``: one of the test's own mails; ``reply_to_message``: a Message-ID the site sent."""
	header = f"<{in_reply_to}@mail.example.com>" if in_reply_to else reply_to_message
	raw = MAIL.format(
		sender=sender,
		subject=subject,
		message_id=message_id,
		in_reply_to=f"In-Reply-To: {header}\n" if header else "",
		body=body,
	)
	return InboundMail(raw, account, uid=None, seen_status=0).process()


class TestEmailIntake(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"_Test ITIL Desk {random_string(4)}",
				"email_id": "servicedesk-itil@example.com",
				"append_to": "ITIL Incident",
				"enable_incoming": 0,
				"enable_outgoing": 0,
				"awaiting_password": 0,
				"no_remaining": 1,
			}
		).insert(ignore_permissions=True)

	def test_a_mail_raises_an_incident_and_a_reply_joins_it(self):
		sender = f"pat.{random_string(6).lower()}@customer.example"
		first_id = f"itil-{random_string(10)}"
		subject = f"_Test printer on fire {random_string(4)}"
		first = mail(self.account, f"Pat Doe <{sender}>", subject, "Smoke everywhere", first_id)
		self.assertEqual(first.reference_doctype, "ITIL Incident")
		incident = frappe.get_doc("ITIL Incident", first.reference_name)
		self.assertEqual((incident.subject, incident.caller_email), (subject, sender))
		self.assertTrue(incident.caller)
		self.assertEqual(
			frappe.db.get_value("Contact Email", {"parent": incident.caller}, "email_id"), sender
		)
		self.assertTrue(incident.priority and incident.impact and incident.urgency)
		reply = mail(
			self.account, sender, f"Re: {subject}", "Still smoking", f"itil-{random_string(10)}", first_id
		)
		self.assertEqual((reply.reference_doctype, reply.reference_name), ("ITIL Incident", incident.name))
		self.assertEqual(frappe.db.count("ITIL Incident", {"caller_email": sender}), 1)

	def test_the_sender_customer_is_found_through_the_contact(self):
		customer_doctype = next(
			(
				dt
				for app, dt in (("erpnext", "Customer"), ("helpdesk", "HD Customer"))
				if app in frappe.get_installed_apps()
			),
			None,
		)
		if not customer_doctype:
			self.skipTest("needs ERPNext or Helpdesk customers")
		name_field = "customer_name"
		customer = frappe.get_doc(
			{"doctype": customer_doctype, name_field: f"_Test Mail Customer {random_string(4)}"}
		).insert()
		sender = f"lee.{random_string(6).lower()}@customer.example"
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Lee",
				"email_ids": [{"email_id": sender, "is_primary": 1}],
				"links": [{"link_doctype": customer_doctype, "link_name": customer.name}],
			}
		).insert(ignore_permissions=True)
		created = mail(self.account, sender, "_Test VPN down", "No VPN", f"itil-{random_string(10)}")
		incident = frappe.get_doc("ITIL Incident", created.reference_name)
		self.assertEqual((incident.customer_type, incident.customer), (customer_doctype, customer.name))


class TestAnswerToTheResolutionByMail(FrappeTestCase):
	"""Issue 23: the resolution mail asks the caller to confirm; a reply starting with CONFIRM closes the
	incident, one starting with NOT SOLVED reopens it (the mail is the customer's words on its
	timeline), only from the caller or the customer's contacts; a plain reply reopens as before."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"_Test ITIL Answers {random_string(4)}",
				"email_id": "answers-itil@example.com",
				"append_to": "ITIL Incident",
				# the resolution mail goes out through the mailbox of incidents (never polled: rolled back)
				"enable_incoming": 1,
				"email_server": "imap.example.com",
				"enable_outgoing": 1,
				"smtp_server": "smtp.example.com",
				"awaiting_password": 0,
				"no_remaining": 1,
			}
		).insert(ignore_permissions=True)
		seed_resolution_mail()

	def raised_and_resolved(self):
		sender = f"kim.{random_string(6).lower()}@customer.example"
		first_id = f"itil-{random_string(10)}"
		subject = f"_Test scanner jammed {random_string(4)}"
		first = mail(self.account, sender, subject, "Paper stuck", first_id)
		incident = frappe.get_doc("ITIL Incident", first.reference_name)
		incident.update(
			{"status": "Resolved", "resolution_code": "Permanent Fix", "resolution_notes": "Unjammed"}
		)
		incident.save()
		return incident, sender, subject, first_id

	def reply(self, sender, subject, body, first_id):
		return mail(self.account, sender, f"Re: {subject}", body, f"itil-{random_string(10)}", first_id)

	def test_the_resolution_mail_asks_the_caller_to_confirm(self):
		self.assertTrue(frappe.db.get_value("Notification", NOTIFICATION, "enabled"))
		incident, sender, _subject, _first = self.raised_and_resolved()
		queued = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "ITIL Incident", "reference_name": incident.name},
			fields=["name", "message"],
		)
		self.assertEqual(len(queued), 1, queued)
		parts = email.message_from_string(queued[0].message).walk()
		message = "".join(
			p.get_payload(decode=True).decode() for p in parts if p.get_content_type() == "text/html"
		)
		for expected in (
			f"/incidents/{incident.name}?answer=confirm",
			"?answer=reopen",
			"CONFIRM",
			"NOT SOLVED",
		):
			self.assertIn(expected, message)
		recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": queued[0].name}, pluck="recipient"
		)
		self.assertEqual(recipients, [sender])

	def test_confirm_closes_once_and_not_solved_reopens_in_the_customers_words(self):
		incident, sender, subject, first_id = self.raised_and_resolved()
		self.reply(sender, subject, "CONFIRM\n\nThanks!\n> We have resolved your incident", first_id)
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "status"), "Closed")
		self.reply(sender, subject, "Confirmed", first_id)  # the same answer again
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "status"), "Closed")
		self.assertEqual(timeline_notes(incident.name, "confirmed the resolution"), 1)
		self.assertEqual(timeline_notes(incident.name, "the customer replied but the incident is"), 0)

		other, sender, subject, first_id = self.raised_and_resolved()
		words = self.reply(sender, subject, "NOT SOLVED: it jams again on tray 2", first_id)
		self.assertEqual(frappe.db.get_value("ITIL Incident", other.name, "status"), "In Progress")
		self.assertEqual(timeline_notes(other.name, "says it is not solved"), 1)
		self.assertEqual(timeline_notes(other.name, "the customer replied after the resolution"), 0)
		self.assertEqual((words.reference_doctype, words.reference_name), ("ITIL Incident", other.name))
		self.assertIn("tray 2", words.content)

	def test_a_plain_reply_reopens_as_before(self):
		incident, sender, subject, first_id = self.raised_and_resolved()
		self.reply(sender, subject, "Thanks, but the scanner is slow now", first_id)
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "status"), "In Progress")
		self.assertEqual(timeline_notes(incident.name, "the customer replied after the resolution"), 1)

	def test_only_the_caller_or_a_contact_of_the_customer_answers(self):
		incident, _sender, subject, first_id = self.raised_and_resolved()
		stranger = f"mallory.{random_string(6).lower()}@elsewhere.example"
		self.reply(stranger, subject, "CONFIRM", first_id)
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "status"), "Resolved")
		self.assertEqual(timeline_notes(incident.name, "nothing changed"), 1)

	def test_a_reply_to_the_resolution_mail_itself_answers(self):
		incident, sender, subject, _first = self.raised_and_resolved()
		message_id = frappe.db.get_value(
			"Email Queue",
			{"reference_doctype": "ITIL Incident", "reference_name": incident.name},
			"message_id",
		)
		self.assertTrue(message_id)
		answer = mail(
			self.account,
			sender,
			f"Re: [{incident.name}] Resolved: {subject}",
			"Not solved - the scanner still jams",
			f"itil-{random_string(10)}",
			reply_to_message=message_id,
		)
		self.assertEqual((answer.reference_doctype, answer.reference_name), ("ITIL Incident", incident.name))
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "status"), "In Progress")
