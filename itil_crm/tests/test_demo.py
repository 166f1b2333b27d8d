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
