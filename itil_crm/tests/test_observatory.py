"""The observatory (issue 24): the Dashboard "ITIL Observatory" with a twelve-month trend per KPI beside its
target and the last full month's numbers, the reports ITIL KPI Trends and ITIL Service Benchmarking, and
the drill-down from a figure to the incidents behind it. The figures are kpis' (tested in
test_service_kpis): here, that each view shows them, where they lead, and who may see them."""

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_months, get_first_day, getdate, nowdate, random_string

from itil_crm.continual_improvement import kpis, observatory, rollups
from itil_crm.tests.utils import make_incident, user_with_roles

DASHBOARD = "ITIL Observatory"
TRENDS, BENCHMARKING = "ITIL KPI Trends", "ITIL Service Benchmarking"


def this_month():
	start = get_first_day(getdate(nowdate()))
	return start, add_months(start, 1)


class TestObservatory(FrappeTestCase):
	def test_the_dashboard_shows_a_trend_per_kpi_and_last_months_numbers(self):
		dashboard = frappe.get_doc("Dashboard", DASHBOARD)
		self.assertTrue(dashboard.is_standard)
		charts = [frappe.get_doc("Dashboard Chart", row.chart) for row in dashboard.charts]
		trended = {
			frappe.parse_json(c.filters_json).get("kpi") for c in charts if c.source == "ITIL KPI Trend"
		}
		targeted = {k for k, kpi in observatory.KPIS.items() if kpi.target_field}
		self.assertLessEqual(targeted, trended)  # every KPI with a target beside its target
		for row in dashboard.cards:
			card = frappe.get_doc("Number Card", row.card)
			self.assertEqual((card.type, card.method), ("Custom", f"{observatory.__name__}.kpi_card"))
			self.assertIn(frappe.parse_json(card.filters_json)["kpi"], observatory.KPIS)
		self.assertGreaterEqual(len(dashboard.cards), 8)

	def test_a_trend_is_the_last_twelve_full_months_beside_the_target(self):
		data = observatory.trend_source(chart_name="ITIL Trend SLA Met", refresh=1)
		self.assertEqual(len(data["labels"]), 12)
		line, target = data["datasets"]
		start, end = observatory.last_full_month()
		expected = dict(kpis.trend("sla_met", months=12, end=end))
		self.assertEqual(line["values"][-1], observatory.number(expected[start]) or 0)
		self.assertEqual(set(target["values"]), {kpis.targets()["sla_met"]})
		self.assertEqual(data["labels"][-1], observatory.month_label(start))

	def test_a_card_shows_last_months_figure_and_leads_to_its_incidents(self):
		start, end = observatory.last_full_month()
		incident = make_incident()
		frappe.db.set_value("ITIL Incident", incident.name, "opened_on", f"{start} 10:00:00")
		rollups.refresh(months=[start])
		card = observatory.kpi_card(filters={"kpi": "incidents"})
		self.assertEqual(card["value"], kpis.figures(start, end)["incidents"])
		self.assertGreaterEqual(card["value"], 1)
		self.assertEqual(card["route"], ["List", "ITIL Incident"])
		operator, (low, high) = card["route_options"]["opened_on"]
		self.assertEqual(
			(operator, getdate(low), getdate(high)), ("between", start, add_months(end, 0) - ONE_DAY)
		)

	def test_benchmarking_ranks_each_group_and_links_its_figures_to_its_incidents(self):
		start, end = this_month()
		groups = []
		for n in range(2):
			group = frappe.get_doc(
				{"doctype": "ITIL Support Group", "group_name": f"_Test bench {random_string(6)}", "tier": 1}
			).insert()
			groups.append(group.name)
			for _i in range(n + 1):
				make_incident(support_group=group.name)
		rollups.refresh(months=[start])
		columns, data, *_rest = _execute(
			BENCHMARKING, dimension="Support Group", from_date=str(start), to_date=nowdate()
		)
		fields = [c["fieldname"] for c in columns]
		for kpi in ("sla_met", "mttr_hours"):
			self.assertTrue({kpi, f"{kpi}_rank", f"{kpi}_target", f"{kpi}_trend"} <= set(fields), fields)
		self.assertIn("incidents", fields)
		self.assertNotIn("incidents_rank", fields)  # a volume is not ranked
		rows = {r["value"]: r for r in data}
		self.assertGreaterEqual(rows[groups[1]]["incidents"], 2)
		self.assertGreaterEqual(rows[groups[0]]["incidents"], 1)
		ranks = sorted(r["sla_met_rank"] for r in data if r.get("sla_met_rank"))
		self.assertEqual(ranks[:1], [1] if ranks else [])
		drilled = next(c for c in columns if c["fieldname"] == "incidents")
		self.assertEqual(
			(drilled["drill_down"], drilled["from_date"], drilled["to_date"]),
			("incidents", str(start), str(end)),
		)
		found = observatory.drill_down(
			kpi="incidents",
			from_date=str(start),
			to_date=str(end),
			dimension="Support Group",
			value=groups[1],
		)
		self.assertEqual(found["route_options"]["support_group"], groups[1])
		listed = frappe.get_list("ITIL Incident", filters=_filters(found["route_options"]), pluck="name")
		self.assertEqual(len(listed), 2)

	def test_benchmarking_compares_by_each_dimension(self):
		start, _end = this_month()
		for dimension in observatory.DIMENSIONS:
			columns, _data, *_rest = _execute(
				BENCHMARKING, dimension=dimension, from_date=str(start), kpi="sla_met"
			)
			self.assertEqual(columns[0]["label"], dimension)
		self.assertRaises(frappe.ValidationError, _execute, BENCHMARKING, dimension="Weather")

	def test_kpi_trends_shows_every_kpi_over_twelve_months_and_its_target(self):
		columns, data = _execute(TRENDS)[:2]
		months = [c for c in columns if c.get("from_date")]
		self.assertEqual(len(months), 12)
		self.assertEqual(columns[-1]["fieldname"], "target")
		self.assertEqual([r["kpi"] for r in data], list(observatory.KPIS))
		sla = next(r for r in data if r["kpi"] == "sla_met")
		self.assertEqual(sla["target"], kpis.targets()["sla_met"])

	def test_drill_down_refuses_what_it_does_not_know(self):
		start, end = this_month()
		for bad in ({"kpi": "weather"}, {"kpi": "incidents", "dimension": "Weather", "value": "x"}):
			args = {"from_date": str(start), "to_date": str(end), **bad}
			self.assertRaises(frappe.ValidationError, observatory.drill_down, **args)
		self.assertRaises(
			frappe.ValidationError,
			observatory.drill_down,
			kpi="incidents",
			from_date=str(end),
			to_date=str(start),
		)
		# filters as a request may send them: a clear error, never a database or Python one
		for filters in (
			{"kpi": {"a": 1}},
			{"kpi": "sla_met", "customer": ["x"]},
			{"kpi": "sla_met", "service": 7},
		):
			self.assertRaises(frappe.ValidationError, observatory.kpi_card, filters=filters)
		self.assertRaises(
			frappe.DoesNotExistError,
			observatory.kpi_card,
			filters={"kpi": "sla_met", "service": "_no such CI"},
		)
		self.assertRaises(frappe.ValidationError, _execute, BENCHMARKING, dimension=["Tier"])
		self.assertRaises(frappe.ValidationError, _execute, TRENDS, month=["2026-01-01"])

	def test_only_readers_of_incidents_see_the_figures(self):
		frappe.set_user(user_with_roles("ITIL Service Level Manager"))
		self.addCleanup(frappe.set_user, "Administrator")
		self.assertIn("value", observatory.kpi_card(filters={"kpi": "incidents"}))
		frappe.set_user(user_with_roles("Blogger"))
		self.assertRaises(frappe.PermissionError, observatory.kpi_card, filters={"kpi": "incidents"})
		self.assertRaises(frappe.PermissionError, _execute, BENCHMARKING)

	def test_the_workspace_leads_to_the_observatory(self):
		workspace = frappe.get_doc("Workspace", "ITIL")
		self.assertIn(("Dashboard", DASHBOARD), [(s.type, s.link_to) for s in workspace.shortcuts])
		reports = {link.link_to for link in workspace.links if link.link_type == "Report"}
		self.assertLessEqual({TRENDS, BENCHMARKING}, reports)


ONE_DAY = getdate("2026-01-02") - getdate("2026-01-01")


def _execute(report: str, **filters):
	result = run(report, filters=filters, ignore_prepared_report=True)
	return (
		result["columns"],
		result["result"],
		result.get("message"),
		result.get("chart"),
		result.get("report_summary"),
	)


def _filters(route_options: dict) -> list:
	return [
		[field, *(value if isinstance(value, list) else ["=", value])]
		for field, value in route_options.items()
	]


class TestTrendsReadOnce(FrappeTestCase):
	def test_every_trend_of_the_table_equals_its_own_trend(self):
		"""ITIL KPI Trends reads each source once (kpis.trends): the same points as one trend per KPI."""
		from itil_crm.engines.service_kpis import KPIS

		every = kpis.trends(list(KPIS), 12)
		self.assertEqual(set(every), set(KPIS))
		for kpi in KPIS:
			self.assertEqual(every[kpi], kpis.trend(kpi, 12), kpi)
