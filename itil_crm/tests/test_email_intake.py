"""Incidents from a mailbox (an Email Account appended to ITIL Incident): the caller and customer come
from the sender, and a reply in the same thread joins the same incident (also on a frappe-only site)."""

import frappe
from frappe.email.receive import InboundMail
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

MAIL = """From: {sender}
To: servicedesk-itil@example.com
Subject: {subject}
Message-ID: <{message_id}@mail.example.com>
{in_reply_to}Date: Mon, 2 Mar 2026 09:00:00 +0100
Content-Type: text/plain; charset="utf-8"

{body}
"""


def mail(account, sender, subject, body, message_id, in_reply_to=None):
	raw = MAIL.format(
		sender=sender,
		subject=subject,
		message_id=message_id,
		in_reply_to=f"In-Reply-To: <{in_reply_to}@mail.example.com>\n" if in_reply_to else "",
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
