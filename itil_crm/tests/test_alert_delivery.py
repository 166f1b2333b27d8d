"""SLA alerts delivered in bulk (issue 11): the in-app notifications follow the Frappe Notifications
(condition, recipients, template, on / off) as Frappe would; the other channels are sent by a job,
exactly once, also when the job dies half-way."""

import frappe
from frappe.email.doctype.notification.notification import Notification

from itil_crm.service_level import alert_delivery
from itil_crm.service_level import time as T
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
		with T.frozen(utc(2026, 3, 2, 8, 0)):  # Monday 09:00 Paris
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
		rows = frappe.get_all(
			"ITIL Escalation", {"parent": incident.name}, ["idx", "escalation_type"], order_by="idx"
		)
		self.assertEqual([r.idx for r in rows], list(range(1, len(rows) + 1)))
		self.assertEqual(sum(r.escalation_type == "Hierarchical" for r in rows), 2)
		# an admin narrows the notification to breaches: only the breach is notified
		frappe.db.set_value("Notification", SLA_ALERT_NOTIFICATION, "condition", "doc.level == 'Breached'")
		frappe.clear_document_cache("Notification", SLA_ALERT_NOTIFICATION)
		self.assertEqual([log.subject[:10] for log in self.logs(self.breach())], ["[Breached]"])
		# and switches it off: no in-app notification at all
		frappe.db.set_value("Notification", SLA_ALERT_NOTIFICATION, "enabled", 0)
		self.assertEqual(self.logs(self.breach()), [])

	def test_other_channels_are_sent_by_the_job_exactly_once_even_after_a_crash(self):
		frappe.db.set_value("Notification", SLA_ALERT_EMAIL, {"enabled": 1, "condition": None})
		frappe.clear_document_cache("Notification", SLA_ALERT_EMAIL)
		incident = self.breach()
		alerts = frappe.get_all("ITIL SLA Alert", {"incident": incident.name}, ["name", "pending_delivery"])
		self.assertEqual({a.pending_delivery for a in alerts}, {1})

		def queued():
			"""The emails sent (each is recorded as a Communication of the alert, and queued)."""
			return frappe.db.count(
				"Communication",
				{
					"reference_doctype": "ITIL SLA Alert",
					"reference_name": ["in", [a.name for a in alerts]],
					"communication_medium": "Email",
				},
			)

		# the job dies on its second alert: its batch is rolled back whole, nothing marked sent
		original, calls = Notification.send, []

		def dying(rule, doc):
			calls.append(doc.name)
			if len(calls) == 2:
				raise RuntimeError("worker killed")
			return original(rule, doc)

		frappe.db.savepoint("job")
		Notification.send = dying
		try:
			self.assertRaises(RuntimeError, alert_delivery.deliver_pending)
		finally:
			Notification.send = original
		frappe.db.rollback(save_point="job")  # what the worker's failed job does
		self.assertEqual(queued(), 0)
		self.assertEqual(
			frappe.db.count("ITIL SLA Alert", {"incident": incident.name, "pending_delivery": 1}), 2
		)
		# the next run sends each once; a further run sends nothing
		alert_delivery.deliver_pending()
		self.assertEqual(queued(), 2)
		self.assertEqual(
			frappe.db.count("ITIL SLA Alert", {"incident": incident.name, "pending_delivery": 1}), 0
		)
		alert_delivery.deliver_pending()
		self.assertEqual(queued(), 2)
