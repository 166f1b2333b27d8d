"""The data of the ITIL workspace's charts that Frappe's chart types cannot compute (Dashboard Chart
Sources): incidents opened and resolved per day, SLA compliance per week, the open backlog by age,
the resolution rate of each support tier against its target.

Each counts with frappe.qb among the incidents the user may read (itil_crm.queries.permitted: the same
permissions as the desk's lists), with grouped, indexed counts, so the cost is a handful of queries
whatever the number of incidents.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Date, Function, Max, Sum
from frappe.utils import add_days, formatdate, get_datetime, getdate, now_datetime, nowdate
from frappe.utils.dashboard import cache_source
from pypika.terms import Case

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.frappe_fixes.whitelisted_arguments import Filters, JSONObject, checked
from itil_crm.queries import permitted

SOURCES = "itil_crm.service_desk.dashboard_chart_source"
FLOW_DAYS = 30
COMPLIANCE_WEEKS = 12
AGES = ((0, 1), (1, 3), (3, 7), (7, 30), (30, None))  # days, the last without end


def incident_flow() -> dict:
	"""Incidents opened and resolved each day of the last 30 (the site's days)."""
	first = add_days(getdate(nowdate()), -(FLOW_DAYS - 1))
	days = [add_days(first, k) for k in range(FLOW_DAYS)]
	datasets = []
	for label, field in ((_("Opened"), "opened_on"), (_("Resolved"), "resolved_on")):
		counts = _per_day(field, first)
		datasets.append({"name": label, "values": [counts.get(day, 0) for day in days]})
	return {"labels": [formatdate(day) for day in days], "datasets": datasets}


def _per_day(field: str, first) -> dict:
	incident = frappe.qb.DocType("ITIL Incident")
	day = Date(incident[field])
	query = (
		frappe.qb.from_(incident)
		.select(day.as_("day"), Count("*").as_("n"))
		.where(incident[field] >= get_datetime(first))
		.groupby(day)
		.orderby(day)
	)
	return {getdate(r.day): r.n for r in permitted(query, "ITIL Incident").run(as_dict=True)}


def sla_compliance() -> dict:
	"""Per ISO week of resolution (the last 12), the share of resolved incidents whose SLA was met."""
	first = add_days(getdate(nowdate()), -7 * COMPLIANCE_WEEKS)
	incident = frappe.qb.DocType("ITIL Incident")
	week = Function("YEARWEEK", incident.resolved_on, 3)  # ISO weeks: Monday first, week 1 has a Thursday
	query = (
		frappe.qb.from_(incident)
		.select(week.as_("week"), incident.sla_status, Count("*").as_("n"))
		.where(incident.resolved_on >= get_datetime(first))
		.where(incident.sla_status.isin(["Met", "Missed"]))
		.groupby(week, incident.sla_status)
		.orderby(week)
	)
	rows = permitted(query, "ITIL Incident").run(as_dict=True)
	weeks: dict[int, dict[str, int]] = {}
	for r in rows:
		weeks.setdefault(int(r.week), {})[r.sla_status] = r.n
	labels, values = [], []
	for week, counts in sorted(weeks.items()):
		total = counts.get("Met", 0) + counts.get("Missed", 0)
		labels.append(_("W{0} {1}").format(week % 100, week // 100))
		values.append(round(100 * counts.get("Met", 0) / total, 1) if total else 0)
	return {"labels": labels, "datasets": [{"name": _("SLA met (%)"), "values": values}]}


def band_label(low: int, high: int | None) -> str:
	"""The name of an age band of AGES."""
	return _("{0}-{1} days").format(low, high) if high is not None else _("over {0} days").format(low)


def backlog_by_age() -> dict:
	"""Open incidents by how long ago they were opened (one count per age band, in one query)."""
	now = now_datetime()
	incident = frappe.qb.DocType("ITIL Incident")
	query = frappe.qb.from_(incident).where(incident.status.isin(OPEN_STATUSES))
	for n, (low, high) in enumerate(AGES):
		in_band = incident.opened_on <= add_days(now, -low)
		if high is not None:
			in_band &= incident.opened_on > add_days(now, -high)
		query = query.select(Count(Case().when(in_band, 1)).as_(f"band_{n}"))
	(found,) = permitted(query, "ITIL Incident").run(as_dict=True)
	return {
		"labels": [band_label(low, high) for low, high in AGES],
		"datasets": [
			{"name": _("Open incidents"), "values": [found[f"band_{n}"] or 0 for n in range(len(AGES))]}
		],
	}


def tier_totals(since):
	"""Each incident once per tier (resolved there if one of its legs at the tier was), read in the order
	of the covering index (tier, incident, outcome, assigned_on) of ITIL Incident Leg."""
	leg = frappe.qb.DocType("ITIL Incident Leg")
	per_incident = (
		frappe.qb.from_(leg)
		.select(leg.tier, leg.incident, Max(leg.outcome == "Resolved").as_("resolved_here"))
		.where((leg.assigned_on >= since) & (leg.outcome != "Cancelled"))
		.groupby(leg.tier, leg.incident)
	).as_("per_incident")
	return (
		frappe.qb.from_(per_incident)
		.select(
			per_incident.tier,
			Count("*").as_("received"),
			Sum(per_incident.resolved_here).as_("resolved"),
		)
		.groupby(per_incident.tier)
		.orderby(per_incident.tier)
	).run(as_dict=True)


def tier_resolution() -> dict:
	"""Per support tier, over ITIL Settings' alert window: the share of the incidents that reached the
	tier and were resolved there, beside the target (R2: 80 %). The same legs and counts as the ITIL
	Tier Resolution report (tier_alerts.legs_since, engines.tier_metrics), grouped by the database on
	a covering index."""
	frappe.has_permission("ITIL Incident", "read", throw=True)
	settings = frappe.get_cached_doc("ITIL Settings")
	target = float(settings.tier_resolution_target or 80)
	since = add_days(getdate(nowdate()), -(settings.tier_alert_window_days or 30))
	rows = tier_totals(since)
	return {
		"labels": [_("Level {0}").format(r.tier or 0) for r in rows],
		"datasets": [
			{
				"name": _("Resolved at the tier (%)"),
				"values": [round(100.0 * r.resolved / r.received, 2) if r.received else 0 for r in rows],
			},
			{"name": _("Target (%)"), "values": [target for _r in rows]},
		],
	}


def chart_data(chart_name: str) -> dict | None:
	"""A chart's data, recomputed (not from the chart cache), as the desk asks for it: a Custom chart
	from its source's method, the others from Frappe's dashboard chart."""
	from frappe.desk.doctype.dashboard_chart.dashboard_chart import get

	chart = frappe.get_doc("Dashboard Chart", chart_name)
	if chart.chart_type == "Custom":
		slug = frappe.scrub(chart.source)
		return frappe.get_attr(f"{SOURCES}.{slug}.{slug}.get")(chart_name=chart_name, refresh=1)
	return get(chart_name=chart_name, refresh=1)


def source(compute):
	"""A Dashboard Chart Source's ``get``, with the arguments Frappe calls it with, over one of these
	(cached by Frappe's chart cache like any chart)."""

	@cache_source
	def cached(**_kwargs):
		return compute()

	@frappe.whitelist()
	@checked
	def get(
		chart_name: str | None = None,
		chart: JSONObject | None = None,
		no_cache: bool = False,
		filters: Filters | None = None,
		from_date: str | None = None,
		to_date: str | None = None,
		timespan: str | None = None,
		time_interval: str | None = None,
		heatmap_year: str | int | None = None,
		refresh: bool = False,
	):
		# Frappe's chart cache fails on a missing or unknown chart (a Python error), and keeps the data of a
		# chart without a name under one key for all: the chart must be one of the site's
		name = chart_name if chart_name or not chart else chart.get("name")
		if not (isinstance(name, str) and frappe.db.exists("Dashboard Chart", name)):
			frappe.throw(_("Dashboard Chart {0} does not exist.").format(name), frappe.DoesNotExistError)
		return cached(chart_name=chart_name, chart=chart, no_cache=no_cache, refresh=refresh)

	return get
