# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.setup.default_data import PRIORITY_MATRIX
from itil_crm.tests.utils import TEST_IGNORE

test_ignore = TEST_IGNORE


class TestITILSettings(FrappeTestCase):
	def test_seeded_matrix_equals_the_itil_table(self):
		settings = frappe.get_single("ITIL Settings")
		seeded = {(r.impact, r.urgency): r.priority for r in settings.priority_matrix}
		self.assertEqual(seeded, PRIORITY_MATRIX)
		# the seeded target (an admin may have changed the site's since)
		self.assertEqual(frappe.get_meta("ITIL Settings").get_field("tier_resolution_target").default, "80")

	def test_matrix_with_a_hole_is_refused(self):
		settings = frappe.get_single("ITIL Settings")
		rows = len(settings.priority_matrix)
		settings.priority_matrix = [
			r for r in settings.priority_matrix if (r.impact, r.urgency) != ("Low", "Medium")
		]
		with self.assertRaises(frappe.ValidationError) as ctx:
			settings.save()
		self.assertIn("Low x Medium", str(ctx.exception))
		self.assertEqual(frappe.db.count("ITIL Priority Matrix Entry", {"parent": "ITIL Settings"}), rows)

	def test_bad_target_refused(self):
		settings = frappe.get_single("ITIL Settings")
		settings.tier_resolution_target = 120
		self.assertRaises(frappe.ValidationError, settings.save)
