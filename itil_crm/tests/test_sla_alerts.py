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

	def test_send_to_all_assignees_reaches_the_incidents_assignees_and_in_app_alerts_are_mailed(self):
		"""An admin's in-app Notification with *Send To All Assignees*: the incident's assignees get it (the
		alert itself is never assigned). Each in-app alert is also mailed (Frappe's notification mail) to a
		user who keeps email notifications on, not to one who turned them off, and not a second time to
		the lead whom the seeded email Notification already mails."""
		from frappe.desk.form.assign_to import add as assign

		frappe.db.set_value("Notification", SLA_ALERT_EMAIL, {"enabled": 1, "condition": None})
		frappe.clear_document_cache("Notification", SLA_ALERT_EMAIL)
		# Frappe sends a notification mail at once in tests, through an outgoing account, and commits: queued
		# only here (the queue is what is asserted), on whatever account the site has or a test one
		frappe.db.set_default("suspend_email_queue", 1)
		self.addCleanup(frappe.db.set_default, "suspend_email_queue", 0)
		if not frappe.db.exists("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "_Test ITIL Outgoing",
					"email_id": "itil-outgoing@example.com",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "localhost",
					"no_smtp_authentication": 1,
				}
			).insert()
		rule = frappe.get_doc(
			{
				"doctype": "Notification",
				"name": f"_Test assignees {frappe.generate_hash(length=5)}",
				"subject": "[assignees] {{ doc.incident }}",
				"document_type": "ITIL SLA Alert",
				"event": "New",
				"channel": "System Notification",
				"send_to_all_assignees": 1,
				"message": "{{ doc.clock }} at {{ doc.threshold }} %",
			}
		).insert()
		self.addCleanup(frappe.db.set_value, "Notification", rule.name, "enabled", 0)
		agent, quiet = user_with_roles("ITIL Support Engineer"), user_with_roles("ITIL Support Engineer")
		frappe.get_doc("Notification Settings", quiet).db_set("enable_email_notifications", 0)
		with site_time.frozen(utc(2026, 3, 2, 8, 0)):
			incident = make_incident(support_group=self.group.name)
			assign({"doctype": "ITIL Incident", "name": incident.name, "assign_to": [agent, quiet]})

		def mails(user):
			return frappe.db.count("Email Queue Recipient", {"recipient": user})

		before = {user: mails(user) for user in (agent, quiet, self.lead)}  # the assignment's own mails
		run_sweep(now=utc(2026, 3, 2, 13, 30))  # two alerts: response breached, resolution at 50 %
		alerts = frappe.get_all(
			"ITIL SLA Alert", {"incident": incident.name}, ["name", "assigned_to", "incident_assignees"]
		)
		self.assertEqual(len(alerts), 2)
		self.assertEqual({a.assigned_to for a in alerts}, {agent})
		self.assertEqual({a.incident_assignees for a in alerts}, {f"{agent},{quiet}"})

		def bell(user):
			return frappe.get_all(
				"Notification Log",
				{"for_user": user, "document_name": ["in", [a.name for a in alerts]]},
				pluck="subject",
			)

		self.assertEqual(sorted(bell(agent)), [f"[assignees] {incident.name}"] * 2)
		self.assertEqual(len(bell(quiet)), 2)
		self.assertEqual(mails(agent) - before[agent], 2)  # one notification mail per in-app alert
		self.assertEqual(mails(quiet) - before[quiet], 0)  # email notifications off
		# the lead: in-app from the seeded Notification, by mail once per alert (the email Notification)
		self.assertEqual(len(bell(self.lead)), 2)
		self.assertEqual(mails(self.lead) - before[self.lead], 2)
