"""Possible duplicates found through indexes when an incident is logged, and the Merge action."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from itil_crm.incident_management.duplicates import merge
from itil_crm.tests.utils import make_ci, make_incident, move


def contact(email):
	return frappe.get_doc(
		{"doctype": "Contact", "first_name": "Dup", "email_ids": [{"email_id": email, "is_primary": 1}]}
	).insert(ignore_permissions=True)


class TestDuplicates(FrappeTestCase):
	def test_the_same_ci_within_minutes_is_a_possible_duplicate(self):
		ci = make_ci(criticality="Low")
		# no word in common: the same CI within minutes is enough
		first = make_incident(subject=f"Checkout slow {random_string(4)}", configuration_item=ci.name)
		second = make_incident(subject="Payments time out", configuration_item=ci.name)
		second.reload()
		self.assertIn(first.name, second.possible_duplicates)
		self.assertRegex(second.possible_duplicates, rf"{first.name} \(\d+(\.\d)?\)")
		alone = make_incident(subject="Payments time out")
		alone.reload()
		self.assertFalse(alone.possible_duplicates)

	def test_a_similar_subject_from_the_same_caller_is_a_possible_duplicate(self):
		caller = contact(f"dup.{random_string(6).lower()}@example.com")
		word = random_string(8).lower()
		first = make_incident(subject=f"Printer {word} on the third floor is on fire", caller=caller.name)
		second = make_incident(subject=f"printer {word} third floor fire", caller=caller.name)
		second.reload()
		self.assertIn(first.name, second.possible_duplicates or "")
		other = make_incident(subject=f"VPN {word}x refuses my password", caller=caller.name)
		other.reload()
		self.assertNotIn(first.name, other.possible_duplicates or "")
		stranger = make_incident(subject=f"Printer {word} on the third floor is on fire")
		stranger.reload()
		self.assertNotIn(
			first.name, stranger.possible_duplicates or ""
		)  # another caller, no CI: not the same

	def test_completing_an_incident_later_finds_its_duplicates_then(self):
		ci = make_ci(criticality="Low")
		first = make_incident(subject=f"Checkout slow {random_string(4)}", configuration_item=ci.name)
		later = make_incident(subject="Payments time out")
		later.reload()
		self.assertFalse(later.possible_duplicates)
		later.configuration_item = ci.name  # the agent completes the CI after logging
		later.save()
		later.reload()
		self.assertIn(first.name, later.possible_duplicates)
		later.configuration_item = None
		later.save()
		later.reload()
		self.assertFalse(later.possible_duplicates)

	def test_merge_resolves_the_newcomer_and_keeps_both_clocks_honest(self):
		master = make_incident(subject="_Test master")
		newcomer = make_incident(subject="_Test newcomer", caller_email="newcomer@example.com")
		before = (master.resolution_by, master.sla_status)
		self.assertEqual(merge(newcomer.name, master.name), master.name)
		newcomer.reload()
		master.reload()
		self.assertEqual(
			(newcomer.status, newcomer.resolution_code, newcomer.duplicate_of),
			("Resolved", "Duplicate", master.name),
		)
		self.assertIn(master.name, newcomer.resolution_notes)
		self.assertTrue(newcomer.resolved_on)
		self.assertIn(newcomer.sla_status, ("Met", "Missed"))  # its own clock stopped at the merge
		self.assertEqual((master.resolution_by, master.sla_status), before)  # the master's is untouched
		self.assertTrue(
			frappe.db.exists(
				"Comment", {"reference_name": master.name, "content": ["like", f"%{newcomer.name} merged%"]}
			)
		)
		self.assertTrue(
			frappe.db.exists(
				"Communication",
				{"reference_name": newcomer.name, "recipients": ["like", "%newcomer@example.com%"]},
			)
		)

	def test_merges_that_make_no_sense_are_refused(self):
		a = make_incident(subject="_Test A")
		b = make_incident(subject="_Test B")
		with self.assertRaises(frappe.ValidationError) as ctx:
			merge(a.name, a.name)
		self.assertIn("itself", str(ctx.exception))
		closed = make_incident(subject="_Test closed")
		move(closed, "Resolved", "Closed", Resolved={"resolution_code": "User Error"})
		with self.assertRaises(frappe.ValidationError) as ctx:
			merge(a.name, closed.name)
		self.assertIn("Closed", str(ctx.exception))
		merge(b.name, a.name)  # b is a duplicate of a ...
		b.reload()
		move(b, "In Progress")  # ... reopened by its caller
		with self.assertRaises(frappe.ValidationError) as ctx:
			merge(a.name, b.name)  # a into b would be a cycle
		self.assertIn("cycle", str(ctx.exception))
		a.reload()
		self.assertEqual(a.status, "New")  # nothing half-saved
