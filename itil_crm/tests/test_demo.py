import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.demo import MARKER, create_demo_data


class TestDemo(FrappeTestCase):
	def test_demo_covers_every_doctype_and_runs_once(self):
		if frappe.db.exists("ITIL Configuration Item", {"ci_name": MARKER}):
			self.assertEqual(create_demo_data(), {"created": False})
			self.skipTest(
				"the demo already ran on this site: only checked that running it again does nothing"
			)
		out = create_demo_data()
		self.assertTrue(out["created"])
		self.assertEqual(len(out["incidents"]), 6)
		self.assertEqual(len(out["configuration_items"]), 7)
		problem = out["problems"][0]
		self.assertEqual(frappe.db.count("ITIL Incident", {"problem": problem}), 3)
		self.assertEqual(frappe.db.get_value("ITIL Problem", problem, "status"), "Known Error")
		self.assertEqual(frappe.db.get_value("ITIL Change", out["changes"][0], "status"), "Review")
		self.assertEqual(frappe.db.get_value("ITIL Go-Live", out["go_lives"][0], "status"), "In Warranty")
		self.assertEqual(frappe.db.get_value("ITIL Change", out["changes"][1], "status"), "Authorized")
		warranty = frappe.db.get_value(
			"ITIL Incident", out["warranty_incidents"][0], ["warranty_go_live", "support_group"], as_dict=True
		)
		self.assertEqual(warranty.warranty_go_live, out["go_lives"][0])
		self.assertEqual(warranty.support_group, "Level 2 - Application Support")
		channels = set(frappe.get_all("ITIL Incident", {"name": ["in", out["incidents"]]}, pluck="channel"))
		self.assertGreaterEqual(len(channels), 5)
		envs = set(
			frappe.get_all(
				"ITIL Configuration Item", {"name": ["in", out["configuration_items"]]}, pluck="environment"
			)
		)
		self.assertEqual(envs, {"Production", "Test"})
		self.assertEqual(create_demo_data(), {"created": False})
		self.check_history(out["history"])
		self.check_reviews(out)

	def check_reviews(self, out: dict):
		"""Last month's reviews, submitted, beside the frozen figures of the month before; two
		assessments a quarter apart."""
		reviews = frappe.get_all(
			"ITIL Service Review",
			filters={"name": ["in", out["service_reviews"]]},
			fields=["name", "scope", "docstatus", "previous_review", "period_start"],
			order_by="period_start, name",
		)
		self.assertGreaterEqual(len(reviews), 3)
		self.assertTrue(all(r.docstatus == 1 for r in reviews))
		latest = [
			r for r in reviews if r.period_start == reviews[-1].period_start and r.scope == "Whole desk"
		]
		self.assertTrue(latest[0].previous_review)
		self.assertGreater(frappe.db.count("ITIL Service Review Figure", {"parent": latest[0].name}), 20)
		self.assertEqual(len(out["maturity_assessments"]), 2)
		for_a_customer = any(r.scope == "Customer" for r in reviews)  # a site with ERPNext or Helpdesk
		self.assertEqual(len(out["review_schedules"]), 2 if for_a_customer else 1)

	def check_history(self, history: list[str]):
		"""A year of incidents made through the app: every month of the year before this one, resolved,
		some late, some by the supplier, outages of the production database."""
		rows = frappe.get_all(
			"ITIL Incident",
			filters={"name": ["in", history]},
			fields=["opened_on", "status", "sla_status", "resolution_elapsed", "configuration_item"],
		)
		self.assertGreaterEqual(len(rows), 120)
		this_month = frappe.utils.get_first_day(frappe.utils.today())
		months = {r.opened_on.strftime("%Y-%m") for r in rows}
		self.assertEqual(len(months), 12)
		self.assertNotIn(this_month.strftime("%Y-%m"), months)
		self.assertTrue(all(r.status in ("Resolved", "Closed") for r in rows))
		# service time spent (some were opened and resolved in the lunch break: none)
		self.assertGreater(sum(bool(r.resolution_elapsed) for r in rows), 100)
		late = sum(r.sla_status in ("Missed", "Breached") for r in rows)
		self.assertTrue(0 < late < len(rows) / 3, late)
		uc_breaches = frappe.db.count(
			"ITIL Incident Leg",
			{"incident": ["in", history], "agreement_type": "UC", "caused_sla_breach": 1},
		)
		self.assertGreater(uc_breaches, 0)
		database = frappe.db.get_value("ITIL Configuration Item", {"ci_name": "crm-db-prd-01"})
		outages = [r for r in rows if r.configuration_item == database]
		self.assertEqual(len(outages), 4)
