"""SLA alerts (issues 11, 21): raised in bulk by the sweep, delivered by Frappe's own Notifications
(condition, recipients, template, on / off, every channel) from a job, exactly once; an alert whose
Notification fails stays pending and is delivered by the next run."""

import frappe
from frappe.email.doctype.notification.notification import Notification

from itil_crm.service_level import site_time, sla_alerts
from itil_crm.service_level.sweep import run_sweep
from itil_crm.setup.default_data import SLA_ALERT_EMAIL, SLA_ALERT_NOTIFICATION
from itil_crm.tests.test_service_level import ServiceLevelCase, make_group, utc
from itil_crm.tests.utils import make_incident, user_with_roles


class TestAlertDelivery(ServiceLevelCase):
	def setUp(self):
		self.lead = user_with_roles("ITIL Support Engineer")
		self.group = make_group(f"_Test Alerts {frappe.generate_hash(length=5)}", 1, lead=self.lead)
		self.saved = {
			n: frappe.db.get_value("Notification", n, ["enabled", "condition"], as_dict=True)
			for n in (SLA_ALERT_NOTIFICATION, SLA_ALERT_EMAIL)
		}

	def tearDown(self):
		for name, values in self.saved.items():
			if values:
				frappe.db.set_value("Notification", name, values)
				frappe.clear_document_cache("Notification", name)

	def breach(self):
		with site_time.frozen(utc(2026, 3, 2, 8, 0)):  # Monday 09:00 Paris
			incident = make_incident(support_group=self.group.name)
		run_sweep(now=utc(2026, 3, 2, 13, 30))  # response breached, resolution at 50 %
		return incident

	def logs(self, incident=None):
		alerts = frappe.get_all("ITIL SLA Alert", {"incident": incident.name}, pluck="name")
		return frappe.get_all(
			"Notification Log",
			filters={
				"for_user": self.lead,
				"document_type": "ITIL SLA Alert",
				"document_name": ["in", alerts or [""]],
			},
			fields=["subject", "email_content"],
		)

	def test_in_app_notifications_follow_the_frappe_notification(self):
		incident = self.breach()
		logs = self.logs(incident)
		self.assertEqual(len(logs), 2)  # one per clock, to the group lead (the document field)
		self.assertTrue(
			any(f"[Breached] {incident.name}: Response clock at 100" in log.subject for log in logs)
		)
		self.assertTrue(
			all(incident.subject in log.email_content for log in logs)
		)  # the template's doc.subject
		rows = frappe.get_all("ITIL Escalation", {"incident": incident.name}, ["escalation_type", "trigger"])
		self.assertEqual(
			sorted((r.escalation_type, r.trigger) for r in rows), [("Hierarchical", "Automatic")] * 2
		)
		# an admin narrows the notification to breaches: only the breach is notified
		frappe.db.set_value("Notification", SLA_ALERT_NOTIFICATION, "condition", "doc.level == 'Breached'")
		frappe.clear_document_cache("Notification", SLA_ALERT_NOTIFICATION)
		self.assertEqual([log.subject[:10] for log in self.logs(self.breach())], ["[Breached]"])
		# and switches it off: no in-app notification at all
		frappe.db.set_value("Notification", SLA_ALERT_NOTIFICATION, "enabled", 0)
		self.assertEqual(self.logs(self.breach()), [])

	def test_every_channel_is_delivered_exactly_once_and_a_failure_is_tried_again(self):
		frappe.db.set_value("Notification", SLA_ALERT_EMAIL, {"enabled": 1, "condition": None})
		frappe.clear_document_cache("Notification", SLA_ALERT_EMAIL)
		made = []

		def queued():
			"""The emails sent (each is recorded as a Communication of the alert, and queued)."""
			alerts = frappe.get_all("ITIL SLA Alert", {"incident": ["in", made]}, pluck="name")
			return frappe.db.count(
				"Communication",
				{
					"reference_doctype": "ITIL SLA Alert",
					"reference_name": ["in", alerts or [""]],
					"communication_medium": "Email",
				},
			)

		def pending():
			return frappe.db.count("ITIL SLA Alert", {"incident": ["in", made], "pending_delivery": 1})

		# a Notification fails on the second alert (a broken template, a mail server refusing): the alert
		# stays pending, the other is delivered, nothing of the failed one is sent
		original, calls = Notification.send, []

		def failing(rule, doc):
			calls.append(doc.name)
			if len(calls) == 2:
				raise RuntimeError("mail server refused")
			return original(rule, doc)

		Notification.send = failing
		try:
			made.append(self.breach().name)  # in tests the delivery job runs at once
		finally:
			Notification.send = original
		self.assertEqual(pending(), 1)
		self.assertTrue(frappe.db.exists("Error Log", {"method": ["like", "%not delivered%"]}))
		# the next run delivers it, once; a further run delivers nothing
		self.assertEqual(sla_alerts.deliver_pending(), 1)
		self.assertEqual((pending(), queued()), (0, 2))
		self.assertEqual(sla_alerts.deliver_pending(), 0)
		self.assertEqual(queued(), 2)
