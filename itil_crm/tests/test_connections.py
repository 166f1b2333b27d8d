"""Every record shows its related records in the Connections tab, both ways."""

import frappe
from frappe.desk.notifications import get_open_count
from frappe.tests.utils import FrappeTestCase

from itil_crm.tests.utils import make_ci, make_incident, make_known_error, make_problem


def counts(doctype, name) -> dict[str, int]:
	found = get_open_count(doctype, name)["count"]
	out = {}
	for row in found["external_links_found"]:
		out[row["doctype"]] = out.get(row["doctype"], 0) + row["count"]
	for row in found["internal_links_found"]:
		out[row["doctype"]] = out.get(row["doctype"], 0) + row["count"]
	return out


class TestConnections(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.ci = make_ci(ci_type="Database", criticality="Critical")
		cls.known_error = make_known_error(affected_cis=[{"configuration_item": cls.ci.name}])
		cls.problem = make_problem(
			known_error=cls.known_error.name, affected_cis=[{"configuration_item": cls.ci.name}]
		)
		cls.incidents = [
			make_incident(
				problem=cls.problem.name, known_error=cls.known_error.name, configuration_item=cls.ci.name
			)
			for _ in range(2)
		]
		cls.change = frappe.get_doc(
			{
				"doctype": "ITIL Change",
				"title": "_Test fix",
				"incident": cls.incidents[0].name,
				"problems": [{"problem": cls.problem.name}],
				"known_errors": [{"known_error": cls.known_error.name}],
				"affected_cis": [{"configuration_item": cls.ci.name}],
			}
		).insert()
		cls.go_live = frappe.get_doc(
			{
				"doctype": "ITIL Go-Live",
				"title": "_Test go-live",
				"go_live_date": "2026-12-01",
				"change": cls.change.name,
				"affected_cis": [{"configuration_item": cls.ci.name}],
			}
		).insert()

	def test_incident(self):
		c = counts("ITIL Incident", self.incidents[0].name)
		self.assertEqual(
			(c["ITIL Problem"], c["ITIL Known Error"], c["ITIL Configuration Item"], c["ITIL Change"]),
			(1, 1, 1, 1),
		)

	def test_problem(self):
		c = counts("ITIL Problem", self.problem.name)
		self.assertEqual(c["ITIL Incident"], 2)
		self.assertEqual(c["ITIL Known Error"], 1)
		self.assertEqual(c["ITIL Change"], 1)
		self.assertEqual(c["ITIL Configuration Item"], 1)

	def test_known_error(self):
		c = counts("ITIL Known Error", self.known_error.name)
		self.assertEqual((c["ITIL Incident"], c["ITIL Problem"], c["ITIL Change"]), (2, 1, 1))

	def test_change_and_go_live(self):
		c = counts("ITIL Change", self.change.name)
		self.assertEqual(
			(
				c["ITIL Incident"],
				c["ITIL Problem"],
				c["ITIL Known Error"],
				c["ITIL Go-Live"],
				c["ITIL Configuration Item"],
			),
			(1, 1, 1, 1, 1),
		)
		g = counts("ITIL Go-Live", self.go_live.name)
		self.assertEqual((g["ITIL Change"], g["ITIL Configuration Item"]), (1, 1))

	def test_configuration_item_sees_everything_that_names_it(self):
		c = counts("ITIL Configuration Item", self.ci.name)
		self.assertEqual(c["ITIL Incident"], 2)
		for doctype in ("ITIL Problem", "ITIL Known Error", "ITIL Change", "ITIL Go-Live"):
			self.assertEqual(c[doctype], 1, doctype)

	def test_masters(self):
		self.assertGreaterEqual(counts("ITIL Priority", self.incidents[0].priority)["ITIL Incident"], 2)
		self.assertGreaterEqual(counts("ITIL Channel", "Portal")["ITIL Incident"], 2)
		self.assertGreaterEqual(
			counts("ITIL Service Calendar", "Business Hours")["ITIL Service Agreement"], 1
		)
