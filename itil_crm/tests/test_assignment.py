"""Support groups assign their incidents through Frappe's Assignment Rule (issue 7)."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from itil_crm.tests.utils import make_incident, user_with_roles


def group(members, mode="Round Robin", tier=1):
	return frappe.get_doc(
		{
			"doctype": "ITIL Support Group",
			"group_name": f"_Test Desk {random_string(5)}",
			"tier": tier,
			"assignment": mode,
			"members": [{"user": u} for u in members],
		}
	).insert()


def open_todos(incident):
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": "ITIL Incident", "reference_name": incident, "status": "Open"},
		pluck="allocated_to",
	)


class TestAssignment(FrappeTestCase):
	@classmethod
	def tearDownClass(cls):
		super().tearDownClass()  # rolls back the rules; Frappe's cached map of rules must forget them
		from frappe.cache_manager import clear_doctype_map

		clear_doctype_map("Assignment Rule", "ITIL Incident")

	def test_round_robin_across_the_members_and_status_assigned(self):
		users = [user_with_roles("ITIL Support Engineer") for _ in range(2)]
		desk = group(users)
		self.assertEqual(frappe.db.get_value("Assignment Rule", f"ITIL {desk.name}", "rule"), "Round Robin")
		owners = []
		for _ in range(4):
			incident = make_incident(support_group=desk.name)
			todos = open_todos(incident.name)
			self.assertEqual(len(todos), 1, todos)
			owners.append(todos[0])
			self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "status"), "Assigned")
		self.assertEqual(set(owners), set(users))
		self.assertEqual(owners[0:2], owners[2:4])  # turn by turn
		self.assertNotEqual(owners[0], owners[1])

	def test_a_change_of_group_reassigns_within_the_new_group(self):
		first, second = user_with_roles("ITIL Service Desk Agent"), user_with_roles("ITIL Support Engineer")
		l1, l2 = group([first]), group([second], tier=2)
		incident = make_incident(support_group=l1.name)
		self.assertEqual(open_todos(incident.name), [first])
		incident.reload()
		incident.support_group = l2.name
		incident.save()
		self.assertEqual(open_todos(incident.name), [second])

	def test_a_group_with_no_active_member_is_reported(self):
		gone = user_with_roles("ITIL Support Engineer")
		frappe.db.set_value("User", gone, "enabled", 0)
		empty = group([gone])
		self.assertFalse(frappe.db.get_value("Assignment Rule", f"ITIL {empty.name}", "disabled") == 0)
		incident = make_incident(support_group=empty.name)
		self.assertEqual(open_todos(incident.name), [])
		self.assertEqual(incident.status, "New")
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{"reference_name": incident.name, "content": ["like", "%has no active member%"]},
			)
		)

	def test_off_assigns_nobody(self):
		user = user_with_roles("ITIL Support Engineer")
		quiet = group([user], mode="Off")
		incident = make_incident(support_group=quiet.name)
		self.assertEqual((open_todos(incident.name), incident.status), ([], "New"))
