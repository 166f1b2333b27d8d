# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.tests.utils import TEST_IGNORE, user_with_roles

test_ignore = TEST_IGNORE


def group(**kw):
	return frappe.get_doc(
		{"doctype": "ITIL Support Group", "group_name": f"_Test group {frappe.generate_hash(length=6)}", **kw}
	)


class TestITILSupportGroup(FrappeTestCase):
	def test_seeded_tiers_and_escalation_path(self):
		path, name = [], "Level 1 - Service Desk"
		while name:
			path.append(frappe.db.get_value("ITIL Support Group", name, "tier"))
			name = frappe.db.get_value("ITIL Support Group", name, "escalation_group")
		self.assertEqual(path, [1, 2, 3])

	def test_members_and_lead(self):
		engineer = user_with_roles("ITIL Support Engineer")
		doc = group(tier=2, group_lead=engineer, members=[{"user": engineer, "is_lead": 1}]).insert()
		self.assertEqual(doc.members[0].full_name, "Test")

	def test_bad_groups_are_refused(self):
		engineer = user_with_roles("ITIL Support Engineer")
		for values in (
			{"tier": 4},
			{"tier": 2, "members": [{"user": engineer}, {"user": engineer}]},
		):
			with self.assertRaises(frappe.ValidationError):
				group(**values).insert()
		doc = group(tier=1).insert()
		doc.escalation_group = doc.name
		self.assertRaises(frappe.ValidationError, doc.save)
