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
		move(change, "Review", "Closed")
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
		change = move(make_change(), "Assessment")
		with self.set_user(engineer):
			doc = frappe.get_doc("ITIL Change", change.name)
			doc.status = "Authorized"
			with self.assertRaises(frappe.ValidationError) as ctx:
				doc.save()
			self.assertIn("needs one of these roles", str(ctx.exception))
		with self.set_user(manager):
			doc = frappe.get_doc("ITIL Change", change.name)
			doc.status = "Authorized"
			doc.save()
			self.assertEqual(doc.change_authority, manager)

	def test_backed_out(self):
		start = now_datetime()
		change = make_change(planned_start=start, planned_end=add_to_date(start, hours=1))
		move(
			change, "Assessment", "Authorized", "Scheduled", "Implementing", "Backed Out", "Review", "Closed"
		)
		change.status = "Implementing"
		self.assertRaises(frappe.ValidationError, change.save)
