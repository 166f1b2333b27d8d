# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.tests.utils import TEST_IGNORE, make_ci, make_incident, make_known_error, make_problem, move

test_ignore = TEST_IGNORE


class TestITILIncident(FrappeTestCase):
	def test_priority_from_the_default_matrix(self):
		expected = {
			("High", "High"): "P1 Critical",
			("High", "Medium"): "P2 High",
			("Medium", "High"): "P2 High",
			("High", "Low"): "P3 Moderate",
			("Medium", "Medium"): "P3 Moderate",
			("Low", "High"): "P3 Moderate",
			("Medium", "Low"): "P4 Low",
			("Low", "Medium"): "P4 Low",
			("Low", "Low"): "P5 Planning",
		}
		for (impact, urgency), priority in expected.items():
			self.assertEqual(make_incident(impact=impact, urgency=urgency).priority, priority)

	def test_priority_follows_a_change_of_impact(self):
		incident = make_incident(impact="Low", urgency="Low")
		incident.impact = "High"
		incident.save()
		self.assertEqual(incident.priority, "P3 Moderate")

	def test_channel_gives_default_urgency(self):
		incident = make_incident(channel="Monitoring Event", urgency=None, impact="High")
		self.assertEqual(incident.urgency, "High")
		self.assertEqual(incident.priority, "P1 Critical")

	def test_links_to_problem_known_error_and_ci(self):
		ci = make_ci()
		problem = make_problem()
		known_error = make_known_error()
		incident = make_incident(
			configuration_item=ci.name, problem=problem.name, known_error=known_error.name
		)
		incident.reload()
		self.assertEqual((incident.configuration_item, incident.problem), (ci.name, problem.name))
		self.assertEqual(incident.ci_criticality, "Medium")

	def test_an_incident_opened_in_the_future_is_refused(self):
		from frappe.utils import add_days, now_datetime

		with self.assertRaises(frappe.ValidationError) as ctx:
			make_incident(opened_on=add_days(now_datetime(), 1))
		self.assertIn("is in the future", str(ctx.exception))

	def test_link_to_a_missing_record_is_refused(self):
		with self.assertRaises(frappe.LinkValidationError):
			make_incident(problem="PRB-NOPE-00000")

	def test_forbidden_transition_names_allowed_moves(self):
		incident = make_incident()
		incident.status = "Closed"
		with self.assertRaises(frappe.ValidationError) as ctx:
			incident.save()
		message = str(ctx.exception)
		self.assertIn("cannot move from New to Closed", message)
		self.assertIn("Assigned", message)
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "status"), "New")

	def test_new_incident_must_start_new(self):
		with self.assertRaises(frappe.ValidationError):
			make_incident(status="Resolved", resolution_code="Duplicate")

	def test_resolve_reopen_close(self):
		incident = make_incident()
		with self.assertRaises(frappe.ValidationError):
			move(incident, "Assigned", "In Progress", "Resolved")  # no resolution code
		incident.reload()
		self.assertEqual(incident.status, "In Progress")
		move(incident, "Resolved", Resolved={"resolution_code": "Permanent Fix"})
		self.assertTrue(incident.resolved_on)
		move(incident, "In Progress")  # reopened
		self.assertIsNone(incident.resolved_on)
		move(incident, "Resolved", "Closed")
		self.assertTrue(incident.closed_on)
		incident.status = "In Progress"
		self.assertRaises(frappe.ValidationError, incident.save)

	def test_customer_type_is_limited_to_installed_customer_doctypes(self):
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_incident(customer_type="User", customer="Administrator")
		self.assertIn("Customer type must be one of", str(ctx.exception))
		installed = frappe.get_installed_apps()
		if "helpdesk" in installed:
			customer = frappe.get_doc(
				{"doctype": "HD Customer", "customer_name": "_Test ITIL HD Customer"}
			).insert()
			incident = make_incident(customer_type="HD Customer", customer=customer.name)
			self.assertEqual(incident.customer, customer.name)
		if "erpnext" not in installed:
			with self.assertRaises(frappe.ValidationError):
				make_incident(customer_type="Customer", customer="Anyone")

	def test_missing_matrix_entry_is_a_clear_error(self):
		settings = frappe.get_single("ITIL Settings")
		original = [(r.impact, r.urgency, r.priority) for r in settings.priority_matrix]
		frappe.db.savepoint("matrix_hole")
		frappe.db.delete(
			"ITIL Priority Matrix Entry", {"parent": "ITIL Settings", "impact": "Low", "urgency": "Low"}
		)
		frappe.clear_document_cache("ITIL Settings", "ITIL Settings")
		try:
			with self.assertRaises(frappe.ValidationError) as ctx:
				make_incident(impact="Low", urgency="Low")
			self.assertIn("complete the matrix", str(ctx.exception))
		finally:
			frappe.db.rollback(save_point="matrix_hole")
			frappe.clear_document_cache("ITIL Settings", "ITIL Settings")
		self.assertEqual(len(original), 9)

	def test_apply_known_error_workaround_resolves_at_current_tier(self):
		known_error = make_known_error(workaround="Restart the indexer")
		incident = move(make_incident(support_group="Level 1 - Service Desk"), "Assigned")
		self.assertEqual(incident.apply_known_error(known_error.name), "Resolved")
		incident.reload()
		self.assertEqual(
			(incident.status, incident.resolution_code, incident.known_error, incident.tier),
			("Resolved", "Workaround Applied", known_error.name, 1),
		)
		self.assertIn("Restart the indexer", incident.resolution_notes)
		empty = make_known_error(workaround="")
		with self.assertRaises(frappe.ValidationError):
			make_incident().apply_known_error(empty.name)

	def test_incident_from_a_mailbox_gets_default_impact_and_urgency(self):
		doc = frappe.get_doc({"doctype": "ITIL Incident", "subject": "Help", "caller_email": "a@example.com"})
		doc.flags.ignore_mandatory = True  # as Email Account append_to inserts it
		doc.insert()
		self.assertEqual((doc.impact, doc.urgency, doc.priority), ("Medium", "Medium", "P3 Moderate"))
