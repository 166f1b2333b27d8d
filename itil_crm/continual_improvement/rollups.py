"""ITIL Service Rollup: the monthly additive counters behind every incident figure of the observatory
(engines.service_kpis.COUNTERS), kept by an idempotent set-based job.

One aggregate definition (``counters_query``) serves both the rollups and the direct reads (a service's
incidents, the hand-checked tests): five grouped parts over the incidents and their legs, each dated by
its own event (opened, resolved, first responded, the legs released), added up in one UNION ALL and
grouped by the keys asked for.

A month's refresh deletes that month's rows and inserts its grouped aggregates, one INSERT ... SELECT
per grain (per customer, priority, channel, support group and tier; per configuration item, priority,
channel, support group and tier, for business services and the whole desk): a re-run writes the same
rows (same names, same counters).
``refresh()`` (hourly) refreshes the months touched by incidents and legs modified since the last run
(the watermark), plus the current and the previous month; ``rebuild()`` refreshes every month that has
an incident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import frappe
from frappe.query_builder import Case, CustomFunction, DocType
from frappe.query_builder.functions import Coalesce, Count, Max, Sum
from frappe.query_builder.terms import ValueWrapper
from frappe.utils import get_datetime, getdate, now_datetime
from pypika.functions import Concat
from pypika.terms import ExistsCriterion, PseudoColumn

from itil_crm.engines.service_kpis import COUNTERS, month_start

ROLLUP = "ITIL Service Rollup"
KEYS = ("month", "customer_type", "customer", "priority", "channel", "support_group", "tier", "is_external")
# the second grain of rows, coarser: per month and configuration item (or none), for a business service's
# figures and for the desk's figures that need no customer nor support group
CI_KEYS = ("month", "configuration_item", "priority", "channel", "support_group", "tier", "is_external")
WATERMARK = "itil_service_rollup_watermark"
SLA_VERDICTS = ("Met", "Missed", "Breached")

DateFormat = CustomFunction("DATE_FORMAT", ["date", "format"])
TimestampDiff = CustomFunction("TIMESTAMPDIFF", ["unit", "start", "end"])
Md5 = CustomFunction("MD5", ["text"])

IncidentFilter = Callable[[DocType], object] | None  # a criterion on the incident table, or None


def _month(column):
	return DateFormat(column, "%Y-%m-01")


def _flag(criterion):
	return Case().when(criterion, 1).else_(0)


def _in_range(column, start: dt.datetime, end: dt.datetime):
	return (column >= start) & (column < end)


def _where(i, criterion, incident_filter: IncidentFilter):
	return criterion & incident_filter(i) if incident_filter else criterion


def _parts(start: dt.datetime, end: dt.datetime, incident_filter: IncidentFilter) -> list:
	"""The five grouped parts; each selects KEYS then COUNTERS in the same order."""
	i = DocType("ITIL Incident")
	g = DocType("ITIL Support Group")
	leg = DocType("ITIL Incident Leg")
	ev = DocType("ITIL SLA Event")

	def dims(month, group_col=None, tier_col=None, external=None):
		return [
			month.as_("month"),
			i.customer_type.as_("customer_type"),
			i.customer.as_("customer"),
			i.priority.as_("priority"),
			i.channel.as_("channel"),
			(group_col if group_col is not None else i.support_group).as_("support_group"),
			(tier_col if tier_col is not None else i.tier).as_("tier"),
			(external if external is not None else Coalesce(g.is_external, 0)).as_("is_external"),
			i.configuration_item.as_("configuration_item"),
		]

	def ordered(named: dict) -> list:
		return [named[c].as_(c) if c in named else ValueWrapper(0).as_(c) for c in COUNTERS]

	# opened in the period
	opened = (
		frappe.qb.from_(i)
		.left_join(g)
		.on(g.name == i.support_group)
		.select(*dims(_month(i.opened_on)), *ordered({"opened": ValueWrapper(1)}))
		.where(_where(i, _in_range(i.opened_on, start, end), incident_filter))
	)

	# resolved in the period, with their legs (how many, escalated) and whether they were reopened
	resolved_here = _where(
		i, _in_range(i.resolved_on, start, end) & (i.status != "Cancelled"), incident_filter
	)
	# per resolved incident, through the indexes on (incident): its legs, an escalation, a reopening
	legs = (
		frappe.qb.from_(leg).select(Count("*")).where((leg.incident == i.name) & (leg.outcome != "Cancelled"))
	)
	escalated = ExistsCriterion(
		frappe.qb.from_(leg).select(leg.name).where((leg.incident == i.name) & (leg.outcome == "Escalated"))
	)
	reopened = ExistsCriterion(
		frappe.qb.from_(ev).select(ev.name).where((ev.event_type == "reopened") & (ev.incident == i.name))
	)
	resolved = (
		frappe.qb.from_(i)
		.left_join(g)
		.on(g.name == i.support_group)
		.select(
			*dims(_month(i.resolved_on)),
			*ordered(
				{
					"resolved": ValueWrapper(1),
					"sla_measured": _flag(i.sla_status.isin(SLA_VERDICTS)),
					"sla_met": _flag(i.sla_status == "Met"),
					"resolution_counted": _flag(i.resolution_elapsed.isnotnull()),
					"resolution_seconds": Coalesce(i.resolution_elapsed, 0),
					"fcr": _flag((i.tier == 1) & (legs <= 1)),
					"reopened": _flag(reopened),
					"workaround": _flag(
						i.known_error.isnotnull()
						& (i.known_error != "")
						& (i.resolution_code == "Workaround Applied")
						& escalated.negate()
					),
					"wall_seconds": TimestampDiff(PseudoColumn("SECOND"), i.opened_on, i.resolved_on),
				}
			),
		)
		.where(resolved_here)
	)

	# first responded in the period
	responded = (
		frappe.qb.from_(i)
		.left_join(g)
		.on(g.name == i.support_group)
		.select(
			*dims(_month(i.first_responded_on)),
			*ordered({"responded": ValueWrapper(1), "response_seconds": i.response_elapsed}),
		)
		.where(
			_where(
				i,
				_in_range(i.first_responded_on, start, end)
				& i.response_elapsed.isnotnull()
				& (i.status != "Cancelled"),
				incident_filter,
			)
		)
	)

	# tiers reached by the incidents resolved in the period: once per (incident, tier)
	month = _month(i.resolved_on)
	per_tier = (
		frappe.qb.from_(leg)
		.join(i)
		.on(i.name == leg.incident)
		.select(
			month.as_("month"),
			i.customer_type,
			i.customer,
			i.priority,
			i.channel,
			i.configuration_item,
			Coalesce(
				Max(Case().when(leg.outcome == "Resolved", leg.support_group)), Max(leg.support_group)
			).as_("support_group"),
			leg.tier.as_("tier"),
			Max(_flag(leg.outcome == "Resolved")).as_("tier_resolved"),
		)
		.where(resolved_here & (leg.outcome != "Cancelled"))
		.groupby(
			leg.incident,
			leg.tier,
			month,
			i.customer_type,
			i.customer,
			i.priority,
			i.channel,
			i.configuration_item,
		)
	).as_("pt")
	tiers = (
		frappe.qb.from_(per_tier)
		.left_join(g)
		.on(g.name == per_tier.support_group)
		.select(
			per_tier.month,
			per_tier.customer_type,
			per_tier.customer,
			per_tier.priority,
			per_tier.channel,
			per_tier.support_group,
			per_tier.tier,
			Coalesce(g.is_external, 0).as_("is_external"),
			per_tier.configuration_item,
			*ordered({"tier_reached": ValueWrapper(1), "tier_resolved": per_tier.tier_resolved}),
		)
	)

	# legs released in the period under an OLA or a UC, at their own group and tier
	ola, uc = leg.agreement_type == "OLA", leg.agreement_type == "UC"
	legs_released = (
		frappe.qb.from_(leg)
		.join(i)
		.on(i.name == leg.incident)
		.select(
			*dims(_month(leg.released_on), leg.support_group, leg.tier, Coalesce(leg.is_external, 0)),
			*ordered(
				{
					"ola_legs": _flag(ola),
					"ola_met": _flag(ola & (leg.breached == 0)),
					"uc_legs": _flag(uc),
					"uc_met": _flag(uc & (leg.breached == 0)),
				}
			),
		)
		.where(
			_where(
				i,
				_in_range(leg.released_on, start, end)
				& (leg.outcome != "Cancelled")
				& leg.agreement_type.isin(("OLA", "UC")),
				incident_filter,
			)
		)
	)
	return [opened, resolved, responded, tiers, legs_released]


def counters_query(
	start: dt.datetime | dt.date,
	end: dt.datetime | dt.date,
	group_by: Iterable[str] = KEYS,
	incident_filter: IncidentFilter = None,
):
	"""The summed counters of ``[start, end)`` grouped by ``group_by`` (some of KEYS), each part dated
	by its own event; ``incident_filter(incident_table)`` narrows the incidents (a service's CIs)."""
	start, end = get_datetime(start), get_datetime(end)
	parts = _parts(start, end, incident_filter)
	union = parts[0]
	for part in parts[1:]:
		union = union.union_all(part)
	u = union.as_("u")
	group_by = list(group_by)
	query = frappe.qb.from_(u).select(*[u[k] for k in group_by], *[Sum(u[c]).as_(c) for c in COUNTERS])
	if group_by:
		query = query.groupby(*[u[k] for k in group_by])
	return query


def _months_of(rows) -> set[dt.date]:
	return {month_start(getdate(r)) for r in rows if r}


def refresh_month(month: dt.date) -> int:
	"""Replace the rows of one month by its aggregates (three statements: the delete, the rows per
	customer, priority, channel, group and tier, the rows per configuration item); the rows written."""
	start = month_start(getdate(month))
	end = month_start(start, 1)
	r = DocType(ROLLUP)
	frappe.qb.from_(r).delete().where(r.month == start).run()
	_insert(counters_query(start, end, KEYS), KEYS, by_ci=False)
	_insert(counters_query(start, end, CI_KEYS), CI_KEYS, by_ci=True)
	return frappe.db.count(ROLLUP, {"month": start})


def _insert(query, keys: tuple[str, ...], by_ci: bool) -> None:
	"""INSERT ... SELECT of grouped counters, each row named by a hash of its grain and keys."""
	agg = query.as_("agg")
	now = str(now_datetime())
	parts: list = [ValueWrapper(int(by_ci))]
	for k in keys:
		parts += [ValueWrapper("|"), Coalesce(agg[k], "")]
	name = Md5(Concat(*parts))
	columns = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "by_configuration_item"]
	columns += [*keys, *COUNTERS]
	select = frappe.qb.from_(agg).select(
		name.as_("name"),
		ValueWrapper(now).as_("creation"),
		ValueWrapper(now).as_("modified"),
		ValueWrapper("Administrator").as_("owner"),
		ValueWrapper("Administrator").as_("modified_by"),
		ValueWrapper(0).as_("docstatus"),
		ValueWrapper(int(by_ci)).as_("by_configuration_item"),
		*[agg[k] for k in keys],
		*[Coalesce(agg[c], 0).as_(c) for c in COUNTERS],
	)
	frappe.qb.into(DocType(ROLLUP)).columns(*columns).from_(select.as_("s")).select("*").run()


def touched_months(since: dt.datetime) -> set[dt.date]:
	"""Months whose figures may have moved: those of the incidents and legs modified since ``since``,
	and those of the earlier events of those incidents."""
	i, leg = DocType("ITIL Incident"), DocType("ITIL Incident Leg")
	out: set[dt.date] = set()
	for column in (i.opened_on, i.resolved_on, i.first_responded_on):
		out |= _months_of(
			frappe.qb.from_(i).select(_month(column)).distinct().where(i.modified >= since).run(pluck=True)
		)
	for column in (leg.released_on, i.resolved_on):
		out |= _months_of(
			frappe.qb.from_(leg)
			.join(i)
			.on(i.name == leg.incident)
			.select(_month(column))
			.distinct()
			.where(leg.modified >= since)
			.run(pluck=True)
		)
	# where they were before: a reopened incident was counted in the month of its earlier resolution
	ev = DocType("ITIL SLA Event")
	out |= _months_of(
		frappe.qb.from_(ev)
		.join(i)
		.on(i.name == ev.incident)
		.select(_month(ev.at))
		.distinct()
		.where((i.modified >= since) & ev.event_type.isin(("opened", "responded", "resolved")))
		.run(pluck=True)
	)
	return out


def refresh(months: Iterable | None = None, commit: bool = False) -> list[dt.date]:
	"""Refresh the given months (in the caller's transaction, unless ``commit``), or (the hourly job)
	the months touched since the watermark plus the current and previous month, each committed.
	Idempotent. Returns the months refreshed."""
	started = now_datetime()
	if months is None:
		since = frappe.db.get_global(WATERMARK)
		today = getdate()
		todo = {month_start(today), month_start(today, -1)}
		if since:
			todo |= touched_months(get_datetime(since))
		else:
			todo |= all_months()
	else:
		todo = {month_start(getdate(m)) for m in months}
	for month in sorted(todo):
		refresh_month(month)
		if months is None or commit:
			frappe.db.commit()  # the job: one month at a time (a caller's months: its own transaction)
	if months is None:
		# the next run starts from this run's start: what was saved meanwhile is seen again (no gap)
		frappe.db.set_global(WATERMARK, str(started))
		frappe.db.commit()
	return sorted(todo)


def all_months() -> set[dt.date]:
	i = DocType("ITIL Incident")
	out: set[dt.date] = set()
	for column in (i.opened_on, i.resolved_on, i.first_responded_on):
		out |= _months_of(frappe.qb.from_(i).select(_month(column)).distinct().run(pluck=True))
	leg = DocType("ITIL Incident Leg")
	out |= _months_of(frappe.qb.from_(leg).select(_month(leg.released_on)).distinct().run(pluck=True))
	return out


def rebuild() -> list[dt.date]:
	"""Every month again, and the rows of months without incidents any more dropped; the hourly job
	goes on from here."""
	started = now_datetime()
	months = all_months()
	r = DocType(ROLLUP)
	stale = set(frappe.qb.from_(r).select(r.month).distinct().run(pluck=True)) - months
	if stale:
		frappe.qb.from_(r).delete().where(r.month.isin(list(stale))).run()
	frappe.db.commit()
	done = refresh(months, commit=True)
	frappe.db.set_global(WATERMARK, str(started))
	frappe.db.commit()
	return done
