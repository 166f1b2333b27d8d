# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime

from itil_crm.tests.utils import TEST_IGNORE, make_known_error, make_problem, move, user_with_roles

test_ignore = TEST_IGNORE


def make_change(**kw):
	return frappe.get_doc({"doctype": "ITIL Change", "title": "_Test change", **kw}).insert()


class TestITILChange(FrappeTestCase):
	def test_change_links_what_it_fixes(self):
		problem, known_error = make_problem(), make_known_error()
		change = make_change(
			problems=[{"problem": problem.name}], known_errors=[{"known_error": known_error.name}]
		)
		self.assertEqual(change.problems[0].problem_title, problem.title)
		self.assertEqual(change.known_errors[0].known_error, known_error.name)

	def test_full_lifecycle_stamps_decision_and_times(self):
		start = add_to_date(now_datetime(), days=1)
		change = make_change(planned_start=start, planned_end=add_to_date(start, hours=2))
		move(change, "Assessment")
		self.assertEqual(change.cab_decision, "Pending")
		move(change, "Authorized", "Scheduled", "Implementing")
		self.assertEqual(change.cab_decision, "Approved")
		self.assertTrue(change.actual_start)
		move(change, "Review")
		change.status = "Closed"
		self.assertRaises(frappe.ValidationError, change.save)  # the review's outcome first
		change.reload()
		move(change, "Closed", Closed={"review_outcome": "Successful"})
		self.assertTrue(change.actual_end)

	def test_scheduling_needs_a_window(self):
		change = move(make_change(), "Assessment", "Authorized")
		with self.assertRaises(frappe.ValidationError) as ctx:
			move(change, "Scheduled")
		self.assertIn("planned window", str(ctx.exception))

	def test_inverted_window_is_refused(self):
		start = now_datetime()
		with self.assertRaises(frappe.ValidationError):
			make_change(planned_start=start, planned_end=add_to_date(start, hours=-1))

	def test_only_a_change_authority_authorises(self):
		engineer = user_with_roles("ITIL Support Engineer")
		manager = user_with_roles("ITIL Change Manager")
		change = move(make_change(risk="Low"), "Assessment")  # low risk: a change manager decides
		with self.set_user(engineer):
			doc = frappe.get_doc("ITIL Change", change.name)
			doc.status = "Authorized"
			with self.assertRaises(frappe.ValidationError) as ctx:
				doc.save()
			self.assertIn("Change Manager", str(ctx.exception))
		other = user_with_roles("ITIL Change Manager")
		with self.set_user(manager):
			doc = frappe.get_doc("ITIL Change", change.name)
			doc.status = "Authorized"
			doc.change_authority = other  # issue 23: the authority is who decided, not a name sent
			doc.save()
			self.assertEqual(doc.change_authority, manager)
		with self.set_user(engineer):
			doc = frappe.get_doc("ITIL Change", change.name)
			doc.change_authority = engineer
			doc.save()
		self.assertEqual(frappe.db.get_value("ITIL Change", change.name, "change_authority"), manager)
		forged = make_change(risk="Low", change_authority=other)
		self.assertIsNone(forged.change_authority)

	def test_backed_out(self):
		start = now_datetime()
		change = make_change(planned_start=start, planned_end=add_to_date(start, hours=1))
		move(
			change,
			"Assessment",
			"Authorized",
			"Scheduled",
			"Implementing",
			"Backed Out",
			"Review",
			"Closed",
			Closed={"review_outcome": "Backed Out"},
		)
		change.status = "Implementing"
		self.assertRaises(frappe.ValidationError, change.save)


class TestPostImplementationReview(FrappeTestCase):
	def test_incidents_after_the_change_are_listed_and_a_success_moves_fixes_on(self):
		from itil_crm.tests.utils import make_ci, make_incident

		ci = make_ci()
		known_error = make_known_error()
		problem = move(make_problem(), "Under Investigation")
		documented = move(
			make_problem(),
			"Under Investigation",
			"Known Error",
			**{"Known Error": {"known_error": known_error.name}},
		)
		start = now_datetime()
		change = make_change(
			planned_start=start,
			planned_end=add_to_date(start, hours=1),
			affected_cis=[{"configuration_item": ci.name}],
			problems=[{"problem": problem.name}],
			known_errors=[{"known_error": known_error.name}],
		)
		move(change, "Assessment", "Authorized", "Scheduled", "Implementing")
		after = make_incident(configuration_item=ci.name)
		unrelated = make_incident()
		move(change, "Review")
		self.assertIn(after.name, change.incidents_after_change)
		self.assertNotIn(unrelated.name, change.incidents_after_change)
		move(
			change,
			"Closed",
			Closed={"review_outcome": "Successful", "post_implementation_review": "Went well"},
		)
		self.assertEqual(
			frappe.db.get_value("ITIL Known Error", known_error.name, "permanent_fix_status"), "Fixed"
		)
		self.assertEqual(frappe.db.get_value("ITIL Problem", problem.name, "status"), "Resolved")
		self.assertEqual(frappe.db.get_value("ITIL Problem", documented.name, "status"), "Resolved")

	def test_a_failed_change_moves_nothing_on(self):
		problem = move(make_problem(), "Under Investigation")
		start = now_datetime()
		change = make_change(
			planned_start=start, planned_end=add_to_date(start, hours=1), problems=[{"problem": problem.name}]
		)
		move(change, "Assessment", "Authorized", "Scheduled", "Implementing", "Review")
		move(change, "Closed", Closed={"review_outcome": "Failed"})
		self.assertEqual(frappe.db.get_value("ITIL Problem", problem.name, "status"), "Under Investigation")
