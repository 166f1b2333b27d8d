# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.tests.utils import TEST_IGNORE, make_ci

test_ignore = TEST_IGNORE


class TestITILConfigurationItem(FrappeTestCase):
	def test_typed_relationships(self):
		server = make_ci(ci_type="Server", criticality="Critical")
		db = make_ci(ci_type="Database", environment="Test")
		app = make_ci(
			relationships=[
				{"relationship_type": "Runs On", "target_ci": server.name},
				{"relationship_type": "Depends On", "target_ci": db.name},
			]
		)
		self.assertEqual([r.target_ci_name for r in app.relationships], [server.ci_name, db.ci_name])
		self.assertEqual(db.environment, "Test")

	def test_self_and_duplicate_relationships_are_refused(self):
		server = make_ci(ci_type="Server")
		app = make_ci()
		app.append("relationships", {"relationship_type": "Runs On", "target_ci": app.name})
		with self.assertRaises(frappe.ValidationError):
			app.save()
		app.reload()
		app.extend("relationships", [{"relationship_type": "Runs On", "target_ci": server.name}] * 2)
		with self.assertRaises(frappe.ValidationError):
			app.save()

	def test_invalid_environment_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_ci(environment="Staging")
