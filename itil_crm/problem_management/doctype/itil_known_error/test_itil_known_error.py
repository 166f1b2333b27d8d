# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.tests.utils import TEST_IGNORE, make_ci, make_known_error

test_ignore = TEST_IGNORE


class TestITILKnownError(FrappeTestCase):
	def test_known_error_lists_affected_cis(self):
		ci = make_ci()
		known_error = make_known_error(affected_cis=[{"configuration_item": ci.name}])
		self.assertEqual(known_error.affected_cis[0].ci_name, ci.ci_name)

	def test_symptoms_are_mandatory(self):
		with self.assertRaises(frappe.MandatoryError):
			frappe.get_doc({"doctype": "ITIL Known Error", "title": "No symptoms"}).insert()
