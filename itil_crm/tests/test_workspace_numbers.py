"""The ITIL workspace's number cards: installed, on the workspace, and counting what they say."""

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime

from itil_crm.service_desk import workspace_numbers
from itil_crm.tests.utils import make_incident

CARDS = [
	"ITIL Open Incidents",
	"ITIL Open Critical and High",
	"ITIL SLA Breached",
	"ITIL SLA At Risk",
	"ITIL Unassigned Incidents",
	"ITIL Problems Under Investigation",
	"ITIL Changes Awaiting Authorisation",
	"ITIL Go-Lives In Warranty",
]


def value(card: str) -> float:
	doc = frappe.get_doc("Number Card", card)
	if doc.type == "Custom":
		return frappe.get_attr(doc.method)()["value"]
	return get_result(doc.as_dict(), doc.filters_json)


class TestWorkspaceNumbers(FrappeTestCase):
	def test_every_card_is_installed_and_on_the_workspace(self):
		workspace = frappe.get_doc("Workspace", "ITIL")
		self.assertEqual([row.number_card_name for row in workspace.number_cards], CARDS)
		for row in workspace.number_cards:
			card = frappe.get_doc("Number Card", row.number_card_name)
			self.assertTrue(card.is_standard)
			# the desk finds a block's card by the row's label: the card's own label, shown on it
			self.assertEqual(row.label, card.label)
			self.assertIn(f'"number_card_name": "{card.label}"', workspace.content)

	def test_the_incident_cards_count_what_they_say(self):
		before = {card: value(card) for card in CARDS}
		make_incident(impact="High", urgency="High")  # P1 or P2, New
		breached = make_incident()
		breached.db_set("sla_status", "Breached")
		soon = make_incident()
		soon.db_set({"sla_status": "On Track", "resolution_by": add_to_date(now_datetime(), minutes=30)})
		later = make_incident()
		later.db_set({"sla_status": "On Track", "resolution_by": add_to_date(now_datetime(), hours=3)})
		after = {card: value(card) for card in CARDS}
		self.assertEqual(after["ITIL Open Incidents"] - before["ITIL Open Incidents"], 4)
		self.assertEqual(after["ITIL Unassigned Incidents"] - before["ITIL Unassigned Incidents"], 4)
		self.assertEqual(after["ITIL Open Critical and High"] - before["ITIL Open Critical and High"], 1)
		self.assertEqual(after["ITIL SLA Breached"] - before["ITIL SLA Breached"], 1)
		self.assertEqual(after["ITIL SLA At Risk"] - before["ITIL SLA At Risk"], 1)
		soon.db_set("status", "On Hold")  # a paused clock is not at risk
		self.assertEqual(value("ITIL SLA At Risk"), before["ITIL SLA At Risk"])

	def test_the_custom_card_leads_to_the_same_list(self):
		answer = workspace_numbers.at_risk()
		self.assertEqual(answer["route"], ["List", "ITIL Incident"])
		self.assertEqual(answer["route_options"]["status"], ["in", workspace_numbers.RUNNING])
		self.assertEqual(answer["route_options"]["resolution_by"][0], "between")
