# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.tests.utils import TEST_IGNORE

test_ignore = TEST_IGNORE


def agreement(**kw):
	values = {
		"doctype": "ITIL Service Agreement",
		"agreement_name": f"_Test {frappe.generate_hash(length=6)}",
		"service_calendar": "Business Hours",
		"targets": [{"priority": "P1 Critical", "response_time": 3600, "resolution_time": 14400}],
	}
	values.update(kw)
	return frappe.get_doc(values)


class TestITILServiceAgreement(FrappeTestCase):
	def test_seeded_default_sla(self):
		sla = frappe.get_doc("ITIL Service Agreement", "Standard SLA")
		self.assertEqual(sla.agreement_type, "SLA")
		self.assertEqual(len(sla.targets), 5)

	def test_bad_targets_are_refused(self):
		for targets, message in (
			(
				[{"priority": "P1 Critical", "response_time": -60, "resolution_time": 3600}],
				"must be positive",
			),
			(
				[{"priority": "P1 Critical", "response_time": 7200, "resolution_time": 3600}],
				"cannot be shorter",
			),
			(
				[{"priority": "P2 High", "response_time": 60, "resolution_time": 600}] * 2,
				"has two targets",
			),
		):
			with self.assertRaises(frappe.ValidationError) as ctx:
				agreement(targets=targets).insert()
			self.assertIn(message, str(ctx.exception))
		with self.assertRaises(frappe.ValidationError):
			agreement(targets=[]).insert()

	def test_thresholds_are_normalised_or_refused(self):
		doc = agreement(warning_thresholds="90,50").insert()
		self.assertEqual(doc.warning_thresholds, "50, 90")
		with self.assertRaises(frappe.ValidationError):
			agreement(warning_thresholds="150").insert()

	def test_ola_and_uc_scope(self):
		with self.assertRaises(frappe.ValidationError):
			agreement(agreement_type="OLA").insert()  # no group
		ola = agreement(agreement_type="OLA", support_group="Level 2 - Application Support").insert()
		self.assertFalse(ola.is_default)
		with self.assertRaises(frappe.ValidationError) as ctx:
			agreement(agreement_type="UC", support_group="Level 2 - Application Support").insert()
		self.assertIn("external supplier", str(ctx.exception))
		supplier = frappe.get_doc(
			{"doctype": "ITIL Support Group", "group_name": "_Test Supplier", "tier": 3, "is_external": 1}
		).insert()
		uc = agreement(agreement_type="UC", support_group=supplier.name).insert()
		supplier.service_agreement = uc.name
		supplier.save()
		supplier.service_agreement = ola.name
		self.assertRaises(frappe.ValidationError, supplier.save)
