"""The service-quality KPIs of the observatory and the service review: their catalogue, their figures
from additive counters, how a value compares with its target and with the previous period, ranks for
benchmarking, and the availability of a business service.

Every incident KPI but availability is a ratio of sums of counters (see ``COUNTERS``): the counters of
a month, customer, priority, channel, support group and tier add up, so the figures of any scope and
period are the same ratio over the sum of its rows (``figures_from_counters``).

Availability is service time: the union of the outage intervals (an instant lost to two overlapping
outages is lost once), clipped to the period, counted in the service hours of the service's calendar
(``engines.business_time``), over the service hours of the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from itil_crm.engines.business_time import Calendar, business_seconds_between

HIGHER, LOWER = "higher", "lower"
COUNT, PERCENT, HOURS = "count", "%", "hours"


@dataclass(frozen=True)
class KPI:
	key: str
	label: str
	unit: str  # COUNT, PERCENT or HOURS
	better: str | None  # HIGHER, LOWER or None (a volume: neither)
	target_field: str | None  # the ITIL Settings field of its target
	default_target: float | None


CATALOGUE: tuple[KPI, ...] = (
	KPI("incidents", "Incidents", COUNT, None, None, None),
	KPI("sla_met", "SLA Met", PERCENT, HIGHER, "sla_met_target", 95),
	KPI("ola_met", "OLA Met", PERCENT, HIGHER, "ola_met_target", 95),
	KPI("uc_met", "UC Met", PERCENT, HIGHER, "uc_met_target", 95),
	KPI("mttr_hours", "MTTR (Service Hours)", HOURS, LOWER, "mttr_target_hours", 8),
	KPI("first_response_hours", "First Response (Service Hours)", HOURS, LOWER, "first_response_target_hours", 1),
	KPI("first_contact_resolution", "First Contact Resolution", PERCENT, HIGHER, "first_contact_resolution_target", 70),
	KPI("tier_resolution", "Tier Resolution", PERCENT, HIGHER, "tier_resolution_target", 80),
	KPI("reopen_rate", "Reopen Rate", PERCENT, LOWER, "reopen_rate_target", 5),
	KPI("known_error_workaround", "Known Error Workaround", PERCENT, HIGHER, "known_error_workaround_target", 10),
	KPI("major_incidents", "Major Incidents", COUNT, LOWER, "major_incidents_target", 0),
	KPI("major_incident_hours", "Major Incident Duration (Hours)", HOURS, LOWER, None, None),
	KPI("problems_opened", "Problems Opened", COUNT, None, None, None),
	KPI("problems_resolved", "Problems Resolved", COUNT, HIGHER, None, None),
	KPI("changes_implemented", "Changes Implemented", COUNT, None, None, None),
	KPI("change_success", "Change Success", PERCENT, HIGHER, "change_success_target", 90),
	KPI("change_incidents", "Incidents Caused by Changes", COUNT, LOWER, None, None),
	KPI("availability", "Availability", PERCENT, HIGHER, "availability_target", 99.5),
)  # fmt: skip
KPIS: dict[str, KPI] = {k.key: k for k in CATALOGUE}
# the KPIs the incident counters give (the rest: problems, changes, availability, counted apart)
INCIDENT_KPIS = (
	"incidents", "sla_met", "ola_met", "uc_met", "mttr_hours", "first_response_hours",
	"first_contact_resolution", "tier_resolution", "reopen_rate", "known_error_workaround",
	"major_incidents", "major_incident_hours",
)  # fmt: skip

# Additive counters (per month, customer, priority, channel, support group, tier):
# opened          incidents opened in the month                       -> incidents
# resolved        incidents resolved in the month (the outcome base)
# sla_measured    of resolved, with an SLA verdict (Met / Missed / Breached); sla_met: of those, Met
# resolution_counted / resolution_seconds: resolved with a resolution_elapsed, and its sum
# responded / response_seconds: first responded in the month with a response_elapsed, and its sum
# fcr             of resolved, at tier 1 with at most one leg (no escalation)
# reopened        of resolved, ever reopened (an ITIL SLA Event "reopened")
# workaround      of resolved, with a known error, code "Workaround Applied", no leg escalated
# wall_seconds    of resolved, the sum of opened_on -> resolved_on (wall clock; P1 rows give the duration)
# tier_reached / tier_resolved: per (incident resolved in the month, tier of one of its legs), once;
#                 resolved at that tier when that tier's leg was open at resolution (tier_metrics' rule)
# ola_legs / ola_met, uc_legs / uc_met: legs released in the month under an OLA / a UC, and not breached
COUNTERS = (
	"opened", "resolved", "sla_measured", "sla_met", "resolution_counted", "resolution_seconds",
	"responded", "response_seconds", "fcr", "reopened", "workaround", "wall_seconds",
	"tier_reached", "tier_resolved", "ola_legs", "ola_met", "uc_legs", "uc_met",
)  # fmt: skip
# the same counters summed over the major incidents (P1) only, by the reader
P1_COUNTERS = ("p1_opened", "p1_resolved", "p1_wall_seconds")


def _ratio(part, whole, scale: float = 100.0) -> float | None:
	whole = float(whole or 0)
	if whole <= 0:
		return None
	return round(scale * float(part or 0) / whole, 2)


def figures_from_counters(c: Mapping[str, float | int | None]) -> dict[str, float | int | None]:
	"""The incident KPIs (``INCIDENT_KPIS``) from summed counters; None where nothing was measured."""

	def g(key):
		return c.get(key) or 0

	return {
		"incidents": int(g("opened")),
		"sla_met": _ratio(g("sla_met"), g("sla_measured")),
		"ola_met": _ratio(g("ola_met"), g("ola_legs")),
		"uc_met": _ratio(g("uc_met"), g("uc_legs")),
		"mttr_hours": _ratio(g("resolution_seconds"), g("resolution_counted"), 1 / 3600),
		"first_response_hours": _ratio(g("response_seconds"), g("responded"), 1 / 3600),
		"first_contact_resolution": _ratio(g("fcr"), g("resolved")),
		"tier_resolution": _ratio(g("tier_resolved"), g("tier_reached")),
		"reopen_rate": _ratio(g("reopened"), g("resolved")),
		"known_error_workaround": _ratio(g("workaround"), g("resolved")),
		"major_incidents": int(g("p1_opened")),
		"major_incident_hours": _ratio(g("p1_wall_seconds"), g("p1_resolved"), 1 / 3600),
	}


def add_counters(*rows: Mapping[str, float | int | None]) -> dict[str, float]:
	"""The sum of counter rows (missing counters count 0)."""
	out: dict[str, float] = {k: 0 for k in COUNTERS + P1_COUNTERS}
	for row in rows:
		for k in out:
			out[k] += row.get(k) or 0
	return out


@dataclass(frozen=True)
class Comparison:
	met: bool | None  # the value meets its target; None: no target or no value
	trend: str | None  # "better", "worse", "same" against the previous value; None: cannot tell


def meets(kpi: str, value: float | None, target: float | None) -> bool | None:
	k = KPIS[kpi]
	if value is None or target is None or k.better is None:
		return None
	return value >= target if k.better == HIGHER else value <= target


def trend(kpi: str, value: float | None, previous: float | None) -> str | None:
	k = KPIS[kpi]
	if value is None or previous is None:
		return None
	if round(float(value) - float(previous), 6) == 0:
		return "same"
	if k.better is None:
		return None
	up = value > previous
	return "better" if up == (k.better == HIGHER) else "worse"


def compare(kpi: str, value: float | None, target: float | None, previous: float | None) -> Comparison:
	return Comparison(meets(kpi, value, target), trend(kpi, value, previous))


def ranks(values: Mapping[str, float | None], kpi: str) -> dict[str, int | None]:
	"""Rank 1 = best by the KPI's direction (ties share a rank, "1224"); a missing value, or a KPI
	with no better direction, has no rank."""
	k = KPIS[kpi]
	if k.better is None:
		return {name: None for name in values}
	present = [(v, n) for n, v in values.items() if v is not None]
	ordered = sorted(present, key=lambda p: -p[0] if k.better == HIGHER else p[0])
	out: dict[str, int | None] = {name: None for name in values}
	for i, (v, n) in enumerate(ordered):
		out[n] = i + 1 if i == 0 or ordered[i - 1][0] != v else out[ordered[i - 1][1]]
	return out


# -- availability ---------------------------------------------------------------------------------------

Interval = tuple[dt.datetime, dt.datetime]


def union(intervals: Iterable[Interval]) -> list[Interval]:
	"""Sorted disjoint intervals covering the same instants (empty or inverted intervals dropped)."""
	merged: list[list[dt.datetime]] = []
	for a, b in sorted((a, b) for a, b in intervals if b > a):
		if merged and a <= merged[-1][1]:
			merged[-1][1] = max(merged[-1][1], b)
		else:
			merged.append([a, b])
	return [(a, b) for a, b in merged]


def clip(intervals: Iterable[Interval], start: dt.datetime, end: dt.datetime) -> list[Interval]:
	return [(max(a, start), min(b, end)) for a, b in intervals if min(b, end) > max(a, start)]


@dataclass(frozen=True)
class Availability:
	service_seconds: float
	lost_seconds: float
	availability: float | None  # percent; None when the period has no service hours


def availability(
	calendar: Calendar, start: dt.datetime, end: dt.datetime, outages: Iterable[Interval]
) -> Availability:
	"""Service seconds of ``[start, end)``, those lost to the union of the outages (clipped to the
	period), and the availability in percent. Datetimes are aware (any zone)."""
	service = business_seconds_between(calendar, start, end) if end > start else 0.0
	lost = sum(business_seconds_between(calendar, a, b) for a, b in union(clip(outages, start, end)))
	lost = min(max(lost, 0.0), service)
	pct = round(100.0 * (service - lost) / service, 3) if service > 0 else None
	return Availability(service, lost, pct)


def months(start: dt.date, end: dt.date) -> list[dt.date]:
	"""The first days of the months of ``[start, end)``."""
	out, day = [], dt.date(start.year, start.month, 1)
	while day < end:
		out.append(day)
		day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
	return out


def month_start(day: dt.date, shift: int = 0) -> dt.date:
	"""The first day of ``day``'s month, moved by ``shift`` months."""
	index = day.year * 12 + day.month - 1 + shift
	return dt.date(index // 12, index % 12 + 1, 1)
