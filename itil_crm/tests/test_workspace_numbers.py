"""The ITIL workspace's number cards and charts: installed, on the workspace, and counting what they say."""

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime

from itil_crm.service_desk import workspace_charts, workspace_numbers
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


CHARTS = [
	"ITIL Incident Flow",
	"ITIL SLA Compliance",
	"ITIL Open Incidents By Priority",
	"ITIL Open Incidents By Group",
	"ITIL Backlog By Age",
	"ITIL Tier Resolution",
]


def chart_values(chart: str) -> dict:
	"""A chart's data as the desk asks for it (recomputed, not from the chart cache): dataset name ->
	{label: value}."""
	data = workspace_charts.chart_data(chart) or {"labels": [], "datasets": []}
	return {d.get("name"): dict(zip(data["labels"], d["values"], strict=True)) for d in data["datasets"]}


def points(chart: str) -> dict:
	"""The first dataset of a chart: label -> value."""
	values = chart_values(chart)
	return next(iter(values.values())) if values else {}


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


class TestWorkspaceCharts(FrappeTestCase):
	def test_every_chart_is_installed_and_on_the_workspace(self):
		workspace = frappe.get_doc("Workspace", "ITIL")
		self.assertEqual([row.chart_name for row in workspace.charts], CHARTS)
		for row in workspace.charts:
			self.assertTrue(frappe.db.get_value("Dashboard Chart", row.chart_name, "is_standard"))
			self.assertIn(f'"chart_name": "{row.label}"', workspace.content)

	def test_the_charts_count_what_they_say(self):
		by_priority = points("ITIL Open Incidents By Priority")
		flow = chart_values("ITIL Incident Flow")
		backlog = points("ITIL Backlog By Age")
		incident = make_incident(impact="High", urgency="High")
		after = points("ITIL Open Incidents By Priority")
		self.assertEqual(after[incident.priority], by_priority.get(incident.priority, 0) + 1)
		opened_before, _resolved = flow.values()
		opened, resolved = chart_values("ITIL Incident Flow").values()
		self.assertEqual(len(opened), 30)
		self.assertEqual(sum(opened.values()), sum(opened_before.values()) + 1)
		self.assertEqual(points("ITIL Backlog By Age")["0-1 days"], backlog["0-1 days"] + 1)
		incident.status, incident.resolution_code = "Resolved", "Workaround Applied"
		incident.save()
		self.assertEqual(incident.sla_status, "Met")
		_opened, resolved_after = chart_values("ITIL Incident Flow").values()
		self.assertEqual(sum(resolved_after.values()), sum(resolved.values()) + 1)
		self.assertEqual(
			points("ITIL Open Incidents By Priority").get(incident.priority, 0),
			by_priority.get(incident.priority, 0),
		)
		self.assertEqual(points("ITIL Backlog By Age")["0-1 days"], backlog["0-1 days"])
		compliance = points("ITIL SLA Compliance")
		self.assertTrue(compliance)
		self.assertTrue(all(0 <= share <= 100 for share in compliance.values()), compliance)

	def test_the_charts_and_cards_count_only_what_the_user_may_read(self):
		"""An agent restricted to one support group (a User Permission) sees in the charts and the custom card
		the incidents of that group only, as in the incident list."""
		from itil_crm.tests.test_desk import group, restricted_to

		mine, other = group(), group()
		agent = restricted_to(mine.name)

		def seen() -> tuple:
			frappe.set_user(agent)
			try:
				opened = next(iter(chart_values("ITIL Incident Flow").values()))
				return (
					points("ITIL Backlog By Age")["0-1 days"],
					sum(opened.values()),
					value("ITIL SLA At Risk"),
				)
			finally:
				frappe.set_user("Administrator")

		before = seen()
		due = {"sla_status": "On Track", "resolution_by": add_to_date(now_datetime(), minutes=30)}
		make_incident(support_group=other.name).db_set(due)
		self.assertEqual(seen(), before)
		make_incident(support_group=mine.name).db_set(due)
		self.assertEqual(seen(), tuple(n + 1 for n in before))

	def test_the_tier_chart_shows_each_tier_beside_its_target(self):
		from itil_crm.tests.test_desk import group

		level1, level2 = group(tier=1), group(tier=2)
		level1.db_set("escalation_group", level2.name)
		before = chart_values("ITIL Tier Resolution")
		incident = make_incident(support_group=level1.name)
		incident.escalate(reason="Needs level 2")
		after = chart_values("ITIL Tier Resolution")
		rates, targets = after.values()
		target = frappe.db.get_single_value("ITIL Settings", "tier_resolution_target") or 80
		self.assertIn("Level 1", rates)
		self.assertIn("Level 2", rates)
		self.assertEqual(set(targets.values()), {float(target)})
		self.assertTrue(all(0 <= rate <= 100 for rate in rates.values()), rates)
		# the same rates as the tier report's engine, computed by the database
		from frappe.utils import add_days, nowdate

		from itil_crm.engines.tier_metrics import tier_rates
		from itil_crm.service_desk.tier_alerts import legs_since

		window = frappe.db.get_single_value("ITIL Settings", "tier_alert_window_days") or 30
		engine = {
			f"Level {r.tier}": r.rate
			for r in tier_rates(legs_since(add_days(nowdate(), -window)))
			if r.group is None
		}
		self.assertEqual(rates, engine)
		if "Level 1" in next(iter(before.values()), {}):
			# one more incident reached level 1 and left it unresolved: its rate cannot have risen
			self.assertLessEqual(rates["Level 1"], next(iter(before.values()))["Level 1"])
