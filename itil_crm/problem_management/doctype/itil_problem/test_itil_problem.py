# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.tests.utils import TEST_IGNORE, make_ci, make_incident, make_known_error, make_problem, move

test_ignore = TEST_IGNORE


class TestITILProblem(FrappeTestCase):
	def test_many_incidents_one_problem_many_problems_one_known_error(self):
		known_error = make_known_error()
		problems = [make_problem(affected_cis=[{"configuration_item": make_ci().name}]) for _ in range(2)]
		for problem in problems:
			move(
				problem,
				"Under Investigation",
				"Known Error",
				**{"Known Error": {"known_error": known_error.name}},
			)
			for _ in range(3):
				make_incident(problem=problem.name)
		self.assertEqual(frappe.db.count("ITIL Incident", {"problem": problems[0].name}), 3)
		self.assertEqual(frappe.db.count("ITIL Problem", {"known_error": known_error.name}), 2)

	def test_known_error_status_needs_a_known_error(self):
		problem = make_problem()
		with self.assertRaises(frappe.ValidationError) as ctx:
			move(problem, "Under Investigation", "Known Error")
		self.assertIn("known error", str(ctx.exception))

	def test_forbidden_transition(self):
		problem = make_problem()
		problem.status = "Resolved"
		with self.assertRaises(frappe.ValidationError) as ctx:
			problem.save()
		self.assertIn("Allowed from New: Under Investigation, Closed", str(ctx.exception))

	def test_resolved_on_is_stamped(self):
		problem = move(make_problem(), "Under Investigation", "Resolved")
		self.assertTrue(problem.resolved_on)
