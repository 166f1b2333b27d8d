"""The one source of the observatory's and the service review's figures (see docs/observatory.md).

Incident figures are ratios of sums of additive counters (engines.service_kpis): read from the monthly
ITIL Service Rollup rows for the desk and a customer, and computed by the same aggregate over the
incidents themselves (rollups.counters_query) for a business service, whose incidents are those on the
service or on a CI it depends on. Problems, changes, breaches, major incidents and availability are
small sets, queried directly. Every public read function reads from the replica when the site has one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.query_builder import Case, CustomFunction, DocType
from frappe.query_builder.functions import Coalesce, Count, Min, Sum
from frappe.utils import get_datetime, getdate
from pypika.enums import Order
from pypika.terms import PseudoColumn

from itil_crm.continual_improvement import rollups
from itil_crm.engines import service_kpis as sk
from itil_crm.engines.business_time import Calendar
from itil_crm.frappe_fixes.replica import reads_from_replica
from itil_crm.service_level import site_time

ROLLUP = rollups.ROLLUP
DIMENSIONS = ("priority", "channel", "support_group", "tier", "supplier", "customer")
BUSINESS_SERVICE = "Business Service"
CHANGE_DONE = ("Review", "Closed", "Backed Out")
OUTAGE_RANKS = 2  # P1 and P2: the priorities of the two smallest ranks


@dataclass(frozen=True)
class Scope:
	customer_type: str | None = None
	customer: str | None = None
	service: str | None = None


WHOLE_DESK = Scope()


def _check_period(start, end) -> tuple[dt.date, dt.date]:
	start, end = getdate(start), getdate(end)
	if not start or not end or end <= start:
		frappe.throw(_("The period must end after it starts."), frappe.ValidationError)
	return start, end


def _check_dimension(dimension: str | None) -> None:
	if dimension is not None and dimension not in DIMENSIONS:
		frappe.throw(
			_("Unknown dimension {0}: use one of {1}.").format(dimension, ", ".join(DIMENSIONS)),
			frappe.ValidationError,
		)


def _check_kpi(kpi: str) -> None:
	if kpi not in sk.KPIS:
		frappe.throw(_("Unknown KPI {0}.").format(kpi), frappe.ValidationError)


def _scope(scope) -> Scope:
	if scope is None:
		return WHOLE_DESK
	if isinstance(scope, dict):
		return Scope(**{k: scope.get(k) or None for k in ("customer_type", "customer", "service")})
	return scope


# -- reference data ---------------------------------------------------------------------------------


def priorities_by_rank(count: int = 1) -> list[str]:
	"""The priorities of the ``count`` smallest ranks (1: the major incidents' P1)."""
	rows = frappe.get_all("ITIL Priority", fields=["name", "rank"], order_by="`rank` asc")
	ranks = sorted({r.rank for r in rows if r.rank is not None})[:count]
	return [r.name for r in rows if r.rank in ranks]


def service_cis(service: str) -> list[str]:
	"""The service and every CI it depends on (the downstream walk of impact analysis)."""
	from itil_crm.configuration_management.impact import CTE, MAX_DEPTH

	found = frappe.db.sql_list(
		CTE + "select distinct ci from walk where direction = 2", {"cis": [service], "depth": MAX_DEPTH}
	)
	return sorted(set(found) | {service})


@reads_from_replica
def targets() -> dict[str, float | None]:
	"""Each KPI's target from ITIL Settings (a field never set: the catalogue's default)."""
	fields = [k.target_field for k in sk.CATALOGUE if k.target_field]
	s = DocType("Singles")
	stored = dict(
		frappe.qb.from_(s)
		.select(s.field, s.value)
		.where((s.doctype == "ITIL Settings") & s.field.isin(fields))
		.run()
	)
	out: dict[str, float | None] = {}
	for k in sk.CATALOGUE:
		value = stored.get(k.target_field) if k.target_field else None
		if value in (None, ""):
			value = k.default_target
		out[k.key] = float(value) if value is not None else None
	return out


def service_target(service: str, settings_targets: dict | None = None) -> float | None:
	own = frappe.db.get_value("ITIL Configuration Item", service, "availability_target")
	if own:
		return float(own)
	return (settings_targets or targets()).get("availability")


# -- counters -----------------------------------------------------------------------------------------

_COLUMN = {"supplier": "support_group", "month": "month"}


def _summed_rows(start: dt.date, end: dt.date, scope: Scope, columns: list[str], where_value=None) -> list:
	"""Counters summed by ``columns`` (and priority, for the P1 counters): from the rollup rows per
	configuration item when they can answer (no customer, no support group: the desk, a business
	service), else from the rows per customer (the desk, a customer), else (a business service with a
	customer or by support group) from the incidents themselves.
	``where_value``: (column, value) to keep."""
	columns = list(dict.fromkeys([*columns, "priority"]))
	r = DocType(ROLLUP)
	# the rows per configuration item are fewer: they answer whatever needs no customer nor group
	per_ci = not (scope.customer or scope.customer_type) and set(columns) <= set(rollups.CI_KEYS)
	if scope.service:
		cis = service_cis(scope.service)
		if not per_ci:

			def narrow(i):
				criterion = i.configuration_item.isin(cis)
				if scope.customer:
					criterion &= i.customer == scope.customer
				if scope.customer_type:
					criterion &= i.customer_type == scope.customer_type
				return criterion

			query = rollups.counters_query(start, end, columns, narrow)
			rows = query.run(as_dict=True)
			if where_value:
				rows = [row for row in rows if str(row.get(where_value[0])) == str(where_value[1])]
			return rows
		where = (r.by_configuration_item == 1) & r.configuration_item.isin(cis)
	elif per_ci:
		where = r.by_configuration_item == 1
	else:
		where = r.by_configuration_item == 0
		if scope.customer:
			where &= r.customer == scope.customer
		if scope.customer_type:
			where &= r.customer_type == scope.customer_type
	where &= (r.month >= start) & (r.month < end)
	if where_value:
		where &= r[where_value[0]] == where_value[1]
	cols = [r[c] for c in columns]
	return (
		frappe.qb.from_(r)
		.select(*cols, *[Sum(r[c]).as_(c) for c in sk.COUNTERS])
		.where(where)
		.groupby(*cols)
		.run(as_dict=True)
	)


def _fold(rows: list, key) -> dict:
	"""{key(row) -> summed counters with the P1 counters}."""
	p1 = set(priorities_by_rank(1))
	out: dict = {}
	for row in rows:
		acc = out.setdefault(key(row), sk.add_counters())
		for c in sk.COUNTERS:
			acc[c] += float(row.get(c) or 0)
		if row.get("priority") in p1:
			acc["p1_opened"] += float(row.get("opened") or 0)
			acc["p1_resolved"] += float(row.get("resolved") or 0)
			acc["p1_wall_seconds"] += float(row.get("wall_seconds") or 0)
	return out


def _counter_rows(start: dt.date, end: dt.date, scope: Scope, group: str | None) -> dict:
	"""{group value (None without a group) -> summed counters with the P1 counters}."""
	column = _COLUMN.get(group, group)
	columns = [column] if column else []
	if group == "supplier":
		columns.append("is_external")
	rows = _summed_rows(start, end, scope, columns)
	if group == "supplier":
		rows = [row for row in rows if row.get("is_external")]
	if column == "month":
		return _fold(rows, lambda row: sk.month_start(getdate(row.month)))
	return _fold(rows, lambda row: row.get(column) if column else None)


# -- problems and changes ------------------------------------------------------------------------------


def _problem_and_change_figures(start: dt.date, end: dt.date, scope: Scope, by_month: bool = False):
	"""{month or None -> problems_opened, problems_resolved, changes_implemented, change_success,
	change_incidents}."""
	p, c, a, i = (
		DocType("ITIL Problem"),
		DocType("ITIL Change"),
		DocType("ITIL Affected CI"),
		DocType("ITIL Incident"),
	)
	s, e = get_datetime(start), get_datetime(end)
	out: dict = {}
	cis = service_cis(scope.service) if scope.service else None  # the CMDB walked once for both

	def on_the_service(parenttype: str):
		"""The problems or changes whose affected CIs are in the service."""
		return (
			frappe.qb.from_(a)
			.select(a.parent)
			.where((a.parenttype == parenttype) & a.configuration_item.isin(cis))
		)

	def slot(key):
		return out.setdefault(
			key,
			{
				"problems_opened": 0,
				"problems_resolved": 0,
				"changes_implemented": 0,
				"change_success": None,
				"change_incidents": 0,
			},
		)

	def narrow_problem(q):
		if cis is not None:
			q = q.where(p.name.isin(on_the_service("ITIL Problem")))
		if scope.customer:
			sub = (
				frappe.qb.from_(i)
				.select(i.problem)
				.where((i.customer == scope.customer) & i.problem.isnotnull())
			)
			q = q.where(p.name.isin(sub))
		return q

	for column, key in ((p.creation, "problems_opened"), (p.resolved_on, "problems_resolved")):
		month = rollups._month(column)
		q = frappe.qb.from_(p).select(
			month.as_("m") if by_month else Min(column).as_("m"), Count("*").as_("n")
		)
		q = narrow_problem(q.where((column >= s) & (column < e)))
		if by_month:
			q = q.groupby(month)
		for row in q.run(as_dict=True):
			if row.n:
				slot(sk.month_start(getdate(row.m)) if by_month else None)[key] = int(row.n)

	lines = (
		Case()
		.when(
			Coalesce(c.incidents_after_change, "") != "",
			CustomFunction("LENGTH", ["t"])(c.incidents_after_change)
			- CustomFunction("LENGTH", ["t"])(
				CustomFunction("REPLACE", ["t", "a", "b"])(c.incidents_after_change, "\n", "")
			)
			+ 1,
		)
		.else_(0)
	)
	month = rollups._month(c.actual_end)
	q = frappe.qb.from_(c).select(
		month.as_("m") if by_month else Min(c.actual_end).as_("m"),
		Count("*").as_("n"),
		Sum(Case().when(c.review_outcome == "Successful", 1).else_(0)).as_("ok"),
		Sum(lines).as_("caused"),
	)
	q = q.where((c.actual_end >= s) & (c.actual_end < e) & c.status.isin(CHANGE_DONE))
	if cis is not None:
		q = q.where(c.name.isin(on_the_service("ITIL Change")))
	if scope.customer:
		sub = frappe.qb.from_(i).select(i.name).where(i.customer == scope.customer)
		q = q.where(c.incident.isin(sub))
	if by_month:
		q = q.groupby(month)
	for row in q.run(as_dict=True):
		if row.n:
			acc = slot(sk.month_start(getdate(row.m)) if by_month else None)
			acc["changes_implemented"] = int(row.n)
			acc["change_success"] = round(100.0 * float(row.ok or 0) / row.n, 2)
			acc["change_incidents"] = int(row.caused or 0)
	return out


_EMPTY_PC = {
	"problems_opened": 0,
	"problems_resolved": 0,
	"changes_implemented": 0,
	"change_success": None,
	"change_incidents": 0,
}


# -- the figures --------------------------------------------------------------------------------------


@reads_from_replica
def figures(start, end, scope: Scope = WHOLE_DESK) -> dict[str, float | int | None]:
	"""Every KPI of the catalogue but availability, for the period and scope."""
	start, end = _check_period(start, end)
	scope = _scope(scope)
	counters = _counter_rows(start, end, scope, None).get(None) or sk.add_counters()
	out = sk.figures_from_counters(counters)
	out.update(_problem_and_change_figures(start, end, scope).get(None) or _EMPTY_PC)
	return out


@reads_from_replica
def figures_by(dimension: str, start, end, scope: Scope = WHOLE_DESK) -> dict[str, dict]:
	"""{dimension value -> incident KPIs} (problems and changes have no such dimension: left out)."""
	_check_dimension(dimension)
	start, end = _check_period(start, end)
	rows = _counter_rows(start, end, _scope(scope), dimension)
	return {
		(str(k) if k is not None else ""): sk.figures_from_counters(v)
		for k, v in sorted(rows.items(), key=lambda kv: str(kv[0]))
	}


@reads_from_replica
def trend(
	kpi: str,
	months: int = 12,
	scope: Scope = WHOLE_DESK,
	end=None,
	dimension: str | None = None,
	value: str | None = None,
) -> list[tuple[dt.date, float | int | None]]:
	"""One point per month, oldest first, up to the month before ``end`` (default: this month included)."""
	_check_kpi(kpi)
	_check_dimension(dimension)
	scope = _scope(scope)
	start, end, points = _trend_window(months, end)
	if kpi == "availability":
		periods = [(m, sk.month_start(m, 1)) for m in points]
		by_period = _availability_by_period(periods, [scope.service] if scope.service else None)
		return [
			(m, _mean([r["availability"] for r in rows])) for m, rows in zip(points, by_period, strict=True)
		]
	if kpi in sk.INCIDENT_KPIS:
		if dimension:
			rows = _month_rows_for(start, end, scope, dimension, value)
		else:
			rows = _counter_rows(start, end, scope, "month")
		return [
			(m, sk.figures_from_counters(rows[m])[kpi] if m in rows else _none_or_zero(kpi)) for m in points
		]
	rows = _problem_and_change_figures(start, end, scope, by_month=True)
	return [(m, (rows.get(m) or _EMPTY_PC)[kpi]) for m in points]


@reads_from_replica
def trends(kpi_keys, months: int = 12, scope: Scope = WHOLE_DESK, end=None) -> dict[str, list]:
	"""``trend`` of several KPIs at once, each source read once (the incident counters by month, the
	problems and changes by month, the availability of each month): a whole table of trends costs what
	one trend of each kind costs."""
	for kpi in kpi_keys:
		_check_kpi(kpi)
	scope = _scope(scope)
	start, end, points = _trend_window(months, end)
	out: dict[str, list] = {}
	if any(k in sk.INCIDENT_KPIS for k in kpi_keys):
		rows = _counter_rows(start, end, scope, "month")
		figures = {m: sk.figures_from_counters(rows[m]) for m in rows}
		for kpi in (k for k in kpi_keys if k in sk.INCIDENT_KPIS):
			out[kpi] = [(m, figures[m][kpi] if m in figures else _none_or_zero(kpi)) for m in points]
	if any(k != "availability" and k not in sk.INCIDENT_KPIS for k in kpi_keys):
		pc = _problem_and_change_figures(start, end, scope, by_month=True)
		for kpi in (k for k in kpi_keys if k != "availability" and k not in sk.INCIDENT_KPIS):
			out[kpi] = [(m, (pc.get(m) or _EMPTY_PC)[kpi]) for m in points]
	if "availability" in kpi_keys:
		out["availability"] = trend("availability", months, scope, end)
	return out


def _trend_window(months, end) -> tuple[dt.date, dt.date, list[dt.date]]:
	"""``months`` whole months up to the month before ``end`` (default: this month included): start,
	end and the first day of each month."""
	months = int(months or 12)
	if not 1 <= months <= 120:
		frappe.throw(_("Months must be between 1 and 120."), frappe.ValidationError)
	end = sk.month_start(getdate(end)) if end else sk.month_start(getdate(), 1)
	start = sk.month_start(end, -months)
	return start, end, sk.months(start, end)


def _none_or_zero(kpi: str):
	return 0 if sk.KPIS[kpi].unit == sk.COUNT else None


def _mean(values):
	present = [v for v in values if v is not None]
	return round(sum(present) / len(present), 3) if present else None


def _month_rows_for(start, end, scope: Scope, dimension: str, value) -> dict:
	"""Monthly counters of one dimension value."""
	column = _COLUMN.get(dimension, dimension)
	columns = ["month", column] + (["is_external"] if dimension == "supplier" else [])
	rows = _summed_rows(start, end, scope, columns, (column, value))
	if dimension == "supplier":
		rows = [row for row in rows if row.get("is_external")]
	return _fold(rows, lambda row: sk.month_start(getdate(row.month)))


@reads_from_replica
def benchmark(dimension: str, start, end, kpis: list[str] | None = None) -> list[dict]:
	"""One row per dimension value: {"dimension", "value", and per KPI k: k (value), k_rank (1 = best),
	k_target, k_previous (the previous period of the same length), k_trend (better / worse / same),
	k_met}; ordered by the first KPI's rank."""
	_check_dimension(dimension)
	start, end = _check_period(start, end)
	kpis = list(kpis or [k for k in sk.INCIDENT_KPIS])
	for k in kpis:
		_check_kpi(k)
		if k not in sk.INCIDENT_KPIS:
			frappe.throw(_("KPI {0} cannot be compared by {1}.").format(k, dimension), frappe.ValidationError)
	length = len(sk.months(start, end))
	prev_start = sk.month_start(start, -length)
	current = figures_by(dimension, start, end)
	previous = figures_by(dimension, prev_start, start)
	goals = targets()
	rows = []
	for value, figs in current.items():
		row = {"dimension": dimension, "value": value}
		for k in kpis:
			before = (previous.get(value) or {}).get(k)
			cmp = sk.compare(k, figs.get(k), goals.get(k), before)
			row.update(
				{
					k: figs.get(k),
					f"{k}_target": goals.get(k),
					f"{k}_previous": before,
					f"{k}_trend": cmp.trend,
					f"{k}_met": cmp.met,
				}
			)
		rows.append(row)
	for k in kpis:
		ranked = sk.ranks({r["value"]: r[k] for r in rows}, k)
		for r in rows:
			r[f"{k}_rank"] = ranked[r["value"]]
	first = kpis[0] if kpis else None
	if first:
		rows.sort(key=lambda r: (r[f"{first}_rank"] is None, r[f"{first}_rank"] or 0, r["value"]))
	return rows


# -- lists ----------------------------------------------------------------------------------------------


def _incident_scope(i, scope: Scope):
	criterion = None
	if scope.customer:
		criterion = i.customer == scope.customer
	if scope.service:
		on_service = i.configuration_item.isin(service_cis(scope.service))
		criterion = on_service if criterion is None else criterion & on_service
	return criterion


@reads_from_replica
def breaches(start, end, scope: Scope = WHOLE_DESK, limit: int = 200) -> list[dict]:
	"""Incidents resolved in the period whose SLA was missed, with the leg that caused it (if any):
	its group, whether a supplier's (UC), its agreement type and its overrun in service seconds."""
	start, end = _check_period(start, end)
	scope = _scope(scope)
	i, leg, g = DocType("ITIL Incident"), DocType("ITIL Incident Leg"), DocType("ITIL Support Group")
	where = (
		(i.resolved_on >= get_datetime(start))
		& (i.resolved_on < get_datetime(end))
		& i.sla_status.isin(("Missed", "Breached"))
		& (i.status != "Cancelled")
	)
	narrow = _incident_scope(i, scope)
	if narrow is not None:
		where &= narrow
	rows = (
		frappe.qb.from_(i)
		.left_join(leg)
		.on((leg.incident == i.name) & (leg.caused_sla_breach == 1))
		.left_join(g)
		.on(g.name == leg.support_group)
		.select(
			i.name.as_("incident"),
			i.subject,
			i.priority,
			i.customer_type,
			i.customer,
			i.opened_on,
			i.resolved_on,
			i.resolution_by,
			i.sla_status,
			leg.name.as_("leg"),
			leg.support_group,
			leg.tier,
			Coalesce(leg.is_external, 0).as_("is_external"),
			g.supplier_name,
			leg.agreement_type,
			leg.elapsed_seconds,
			leg.target_seconds,
		)
		.where(where)
		.orderby(i.resolved_on)
		.orderby(i.name)
		.limit(int(limit or 200))
		.run(as_dict=True)
	)
	for row in rows:
		if row.leg and row.target_seconds is not None and row.elapsed_seconds is not None:
			row.overrun_seconds = max(float(row.elapsed_seconds) - float(row.target_seconds), 0.0)
		elif row.resolution_by and row.resolved_on:
			row.overrun_seconds = max((row.resolved_on - row.resolution_by).total_seconds(), 0.0)
		else:
			row.overrun_seconds = None
		row.is_external = int(row.is_external or 0)
	return rows


@reads_from_replica
def major_incidents(start, end, scope: Scope = WHOLE_DESK, limit: int | None = None) -> list[dict]:
	"""P1 incidents opened in the period, with their wall-clock duration in hours once resolved; with a
	``limit``, the longest ones (those still open first), in the order they were opened."""
	start, end = _check_period(start, end)
	scope = _scope(scope)
	p1 = priorities_by_rank(1)
	if not p1:
		return []
	i = DocType("ITIL Incident")
	where = (i.opened_on >= get_datetime(start)) & (i.opened_on < get_datetime(end)) & i.priority.isin(p1)
	narrow = _incident_scope(i, scope)
	if narrow is not None:
		where &= narrow
	rows = (
		frappe.qb.from_(i)
		.select(
			i.name.as_("incident"),
			i.subject,
			i.priority,
			i.status,
			i.customer,
			i.configuration_item,
			i.opened_on,
			i.resolved_on,
			i.problem,
		)
		.where(where)
	)
	if limit:
		until = Coalesce(i.resolved_on, get_datetime(end))
		lasted = rollups.TimestampDiff(PseudoColumn("SECOND"), i.opened_on, until)
		rows = rows.orderby(lasted, order=Order.desc).limit(limit)
	rows = sorted(rows.run(as_dict=True), key=lambda row: (row.opened_on, row.incident))
	for row in rows:
		row.hours = (
			round((row.resolved_on - row.opened_on).total_seconds() / 3600, 2) if row.resolved_on else None
		)
	return rows


# -- availability ---------------------------------------------------------------------------------------


def service_calendar(service: str) -> Calendar:
	"""The service hours of a service: the calendar of its support group's agreement, else the default
	service calendar of ITIL Settings, else round the clock in the site's zone."""
	from itil_crm.service_level.agreements import load_calendar

	group = frappe.db.get_value("ITIL Configuration Item", service, "support_group")
	agreement = group and frappe.db.get_value("ITIL Support Group", group, "service_agreement")
	calendar = agreement and frappe.db.get_value("ITIL Service Agreement", agreement, "service_calendar")
	calendar = calendar or frappe.db.get_single_value("ITIL Settings", "default_service_calendar")
	if calendar:
		return load_calendar(calendar)
	return Calendar.build(site_time.system_zone().key, [], is_24x7=True)


def outages(start: dt.date, end: dt.date, cis: list[str]) -> list[dict]:
	"""P1 / P2 incidents on the CIs (main CI or an affected CI) overlapping the period:
	[opened_on, resolved_on or closed_on or the end of the period)."""
	severe = priorities_by_rank(OUTAGE_RANKS)
	if not cis or not severe:
		return []
	i, a = DocType("ITIL Incident"), DocType("ITIL Affected CI")
	s, e = get_datetime(start), get_datetime(end)
	overlapping = (
		i.priority.isin(severe)
		& (i.status != "Cancelled")
		& (i.opened_on < e)
		# ends after the start: resolved after it, or not resolved (and not closed before it); each a
		# comparison of a column (a COALESCE with the bound would compare as text)
		& ((i.resolved_on > s) | (i.resolved_on.isnull() & (i.closed_on.isnull() | (i.closed_on > s))))
	)
	# on the CI itself: four index ranges on (configuration_item, opened_on / resolved_on), not the
	# whole history of the CI: opened in the period; resolved in it, opened before; still unresolved,
	# opened before; resolved after it, opened before
	on_ci = i.configuration_item.isin(cis)
	branches = [
		on_ci & (i.opened_on >= s) & (i.opened_on < e),
		on_ci & (i.resolved_on >= s) & (i.resolved_on < e) & (i.opened_on < s),
		on_ci & i.resolved_on.isnull() & (i.opened_on < s),
		on_ci & (i.resolved_on >= e) & (i.opened_on < s),
	]
	query = None
	for criterion in branches:
		part = (
			frappe.qb.from_(i)
			.select(i.name, i.configuration_item.as_("ci"), i.opened_on, i.resolved_on, i.closed_on)
			.where(overlapping & criterion)
		)
		query = part if query is None else query.union(part)
	affected = (
		frappe.qb.from_(a)
		.join(i)
		.on((i.name == a.parent) & (a.parenttype == "ITIL Incident"))
		.select(i.name, a.configuration_item.as_("ci"), i.opened_on, i.resolved_on, i.closed_on)
		.where(overlapping & a.configuration_item.isin(cis))
	)
	seen, out = set(), []
	for row in query.union(affected).run(as_dict=True):
		if row.name in seen:
			continue
		seen.add(row.name)
		out.append(
			{
				"incident": row.name,
				"ci": row.ci,
				"from": max(row.opened_on, s),
				"to": min(row.resolved_on or row.closed_on or e, e),
			}
		)
	return sorted(out, key=lambda r: (r["from"], r["incident"]))


def _availability(start: dt.date, end: dt.date, services: list[str] | None) -> list[dict]:
	return _availability_by_period([(start, end)], services)[0]


def _availability_by_period(periods: list[tuple], services: list[str] | None) -> list[list[dict]]:
	"""For each period, one row per service; the outages of all the periods read once per service."""
	if services is None:
		services = frappe.get_all(
			"ITIL Configuration Item", filters={"ci_type": BUSINESS_SERVICE}, pluck="name", order_by="name"
		)
	goals = targets()
	zone = site_time.system_zone()
	out: list[list[dict]] = [[] for _ in periods]
	first, last = min(p[0] for p in periods), max(p[1] for p in periods)
	for service in services:
		found = outages(first, last, service_cis(service))
		calendar = service_calendar(service)
		target = service_target(service, goals)
		name = frappe.db.get_value("ITIL Configuration Item", service, "ci_name")
		for index, (start, end) in enumerate(periods):
			s, e = get_datetime(start), get_datetime(end)
			inside = [
				{**o, "from": max(o["from"], s), "to": min(o["to"], e)}
				for o in found
				if o["from"] < e and o["to"] > s
			]
			result = sk.availability(
				calendar,
				s.replace(tzinfo=zone),
				e.replace(tzinfo=zone),
				[(o["from"].replace(tzinfo=zone), o["to"].replace(tzinfo=zone)) for o in inside],
			)
			out[index].append(
				{
					"service": service,
					"service_name": name,
					"service_hours": round(result.service_seconds / 3600, 3),
					"lost_hours": round(result.lost_seconds / 3600, 3),
					"availability": result.availability,
					"target": target,
					"met": sk.meets("availability", result.availability, target),
					"outages": [(o["incident"], o["ci"], o["from"], o["to"]) for o in inside],
				}
			)
	return out


@reads_from_replica
def availability(start, end, services: list[str] | None = None) -> list[dict]:
	"""Per business service: service hours of the period, hours lost to P1/P2 outages on it or on what
	it depends on (overlaps counted once), availability %, its target and the outages."""
	start, end = _check_period(start, end)
	return _availability(start, end, list(services) if services is not None else None)


# -- drill-down -----------------------------------------------------------------------------------------

_DATE_OF = {
	"incidents": "opened_on",
	"major_incidents": "opened_on",
	"first_response_hours": "first_responded_on",
}


@reads_from_replica
def drill_down(kpi: str, start, end, scope: Scope = WHOLE_DESK, dimension=None, value=None) -> dict:
	"""The list behind a figure: {"doctype", "filters": [[field, operator, value], ...]}."""
	_check_kpi(kpi)
	_check_dimension(dimension)
	start, end = _check_period(start, end)
	scope = _scope(scope)
	s, e = str(get_datetime(start)), str(get_datetime(end) - dt.timedelta(microseconds=1))
	if kpi in ("ola_met", "uc_met"):
		filters = [
			["released_on", "between", [s, e]],
			["agreement_type", "=", "OLA" if kpi == "ola_met" else "UC"],
			["outcome", "!=", "Cancelled"],
		]
		if dimension in ("support_group", "supplier"):
			filters.append(["support_group", "=", value])
		elif dimension == "tier":
			filters.append(["tier", "=", value])
		return {"doctype": "ITIL Incident Leg", "filters": filters}
	if kpi in ("problems_opened", "problems_resolved"):
		field = "creation" if kpi == "problems_opened" else "resolved_on"
		return {"doctype": "ITIL Problem", "filters": [[field, "between", [s, e]]]}
	if kpi in ("changes_implemented", "change_success", "change_incidents"):
		return {
			"doctype": "ITIL Change",
			"filters": [["actual_end", "between", [s, e]], ["status", "in", list(CHANGE_DONE)]],
		}
	field = _DATE_OF.get(kpi, "resolved_on")
	filters = [[field, "between", [s, e]]]
	if field != "opened_on":
		filters.append(["status", "!=", "Cancelled"])
	if kpi in ("major_incidents", "major_incident_hours"):
		filters.append(["priority", "in", priorities_by_rank(1)])
	if kpi == "availability":
		filters = [["opened_on", "<", e], ["priority", "in", priorities_by_rank(OUTAGE_RANKS)]]
	if kpi == "sla_met":
		filters.append(["sla_status", "in", ["Met", "Missed", "Breached"]])
	if kpi == "known_error_workaround":
		filters.append(["resolution_code", "=", "Workaround Applied"])
	if scope.customer:
		filters.append(["customer", "=", scope.customer])
	if scope.service:
		filters.append(["configuration_item", "in", service_cis(scope.service)])
	if dimension:
		filters.append([_COLUMN.get(dimension, dimension), "=", value])
	return {"doctype": "ITIL Incident", "filters": filters}
