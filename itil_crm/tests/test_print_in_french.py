"""Issue 23: the incident report printed in French shows the French priority label, as the French form
does, and says in which time zone its times are."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_system_timezone

from itil_crm.tests.utils import make_incident


class TestIncidentReportInFrench(FrappeTestCase):
	def in_language(self, lang: str):
		frappe.local.lang = lang
		frappe.local.lang_full_dict = None
		frappe.local.jenv = None

	def tearDown(self):
		self.in_language("en")

	def test_the_priority_label_and_the_time_zone_in_french(self):
		incident = make_incident(impact="High", urgency="Medium")
		self.in_language("fr")
		label = frappe._(incident.priority)
		# the priorities are translated records (ITIL Priority, translated_doctype): "P2 High" -> "P2 Haute"
		self.assertNotEqual(label, incident.priority, "this priority has no French label to show")
		html = frappe.get_print("ITIL Incident", incident.name, print_format="ITIL Incident Report")
		body = html.split("<body>", 1)[1]
		self.assertIn("Rapport d", body)  # the report's title, in French
		self.assertIn(f"<td>{label}</td>", body)
		self.assertNotIn(f"<td>{incident.priority}</td>", body)
		self.assertIn(get_system_timezone(), body)

	def test_the_problem_report_lists_its_incidents_with_the_french_priority(self):
		from itil_crm.tests.utils import make_problem

		problem = make_problem()
		incident = make_incident(impact="High", urgency="Medium")
		incident.db_set("problem", problem.name)
		self.in_language("fr")
		label = frappe._(incident.priority)
		self.assertNotEqual(label, incident.priority)
		html = frappe.get_print("ITIL Problem", problem.name, print_format="ITIL Problem Report")
		self.assertIn(f"<td>{label}</td>", html)
		self.assertNotIn(f"<td>{incident.priority}</td>", html)
