# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate

from itil_crm.setup.default_data import GO_LIVE_CHECKLIST, GO_LIVE_TEMPLATE
from itil_crm.tests.utils import TEST_IGNORE, make_ci, move

test_ignore = TEST_IGNORE


def make_go_live(**kw):
	return frappe.get_doc(
		{
			"doctype": "ITIL Go-Live",
			"title": "_Test go-live",
			"go_live_date": "2026-12-01",
			"warranty_days": 30,
			"checklist_template": GO_LIVE_TEMPLATE,
			**kw,
		}
	).insert()


class TestITILGoLive(FrappeTestCase):
	def test_checklist_from_template_and_warranty_end(self):
		change = frappe.get_doc({"doctype": "ITIL Change", "title": "_Test deploy"}).insert()
		go_live = make_go_live(change=change.name, affected_cis=[{"configuration_item": make_ci().name}])
		self.assertEqual(len(go_live.checklist), len(GO_LIVE_CHECKLIST))
		self.assertEqual(getdate(go_live.warranty_end), getdate("2026-12-31"))
		self.assertEqual(
			{row.requirement.split()[0] for row in go_live.checklist}, {"R7", "R8", "R9", "R10", "R11"}
		)

	def test_checklist_in_french(self):
		frappe.local.lang = "fr"
		try:
			go_live = make_go_live()
		finally:
			frappe.local.lang = "en"
		self.assertEqual(go_live.checklist[0].task, GO_LIVE_CHECKLIST[0][2])

	def test_warranty_cannot_close_with_open_exit_criteria(self):
		go_live = move(make_go_live(), "In Warranty", "Final Review")
		go_live.final_review = "Stable for 30 days"
		go_live.review_decision = "Close"
		go_live.status = "Closed"
		with self.assertRaises(frappe.ValidationError) as ctx:
			go_live.save()
		self.assertIn("exit criteria fail", str(ctx.exception))
		go_live.reload()
		for row in go_live.checklist:
			if row.is_exit_criterion:
				row.done = 1
				row.evidence_link = "https://intranet.example.com/minutes"
		go_live.save()
		self.assertTrue(all(row.done_on for row in go_live.checklist if row.done))
		go_live.update({"final_review": "Stable for 30 days", "review_decision": "Close"})
		move(go_live, "Closed")
		self.assertEqual(go_live.signed_off_by, frappe.session.user)

	def test_extension_and_forbidden_moves(self):
		go_live = move(
			make_go_live(), "In Warranty", "Extended", "Final Review", Extended={"extend_until": "2027-02-01"}
		)
		self.assertEqual(getdate(go_live.warranty_end), getdate("2027-02-01"))
		go_live.status = "Planned"
		with self.assertRaises(frappe.ValidationError) as ctx:
			go_live.save()
		self.assertIn("Allowed from Final Review: Closed, Extended", str(ctx.exception))

	def test_a_negative_warranty_is_refused_and_none_takes_the_default(self):
		with self.assertRaises(frappe.ValidationError):
			make_go_live(warranty_days=-5)
		default = frappe.db.get_single_value("ITIL Settings", "default_warranty_days") or 30
		self.assertEqual(make_go_live(warranty_days=0).warranty_days, default)
