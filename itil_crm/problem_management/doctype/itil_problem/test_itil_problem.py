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

	def test_moving_to_known_error_creates_the_known_error_from_the_problem(self):
		ci = make_ci()
		problem = make_problem(
			description="Reports time out after 30 s",
			root_cause="Missing index on the ledger",
			workaround="Run the report at night",
			affected_cis=[{"configuration_item": ci.name}],
		)
		problem = move(problem, "Under Investigation", "Known Error")
		known_error = frappe.get_doc("ITIL Known Error", problem.known_error)
		self.assertEqual(
			(known_error.title, known_error.root_cause, known_error.workaround, known_error.published),
			(problem.title, problem.root_cause, problem.workaround, 1),
		)
		self.assertEqual([r.configuration_item for r in known_error.affected_cis], [ci.name])
		again = move(problem, "Under Investigation", "Known Error")  # linked already: no second one
		self.assertEqual(again.known_error, known_error.name)
		self.assertEqual(frappe.db.count("ITIL Known Error", {"title": problem.title}), 1)

	def test_forbidden_transition(self):
		problem = make_problem()
		problem.status = "Resolved"
		with self.assertRaises(frappe.ValidationError) as ctx:
			problem.save()
		self.assertIn("Allowed from New: Under Investigation, Closed", str(ctx.exception))

	def test_resolved_on_is_stamped(self):
		problem = move(make_problem(), "Under Investigation", "Resolved")
		self.assertTrue(problem.resolved_on)
