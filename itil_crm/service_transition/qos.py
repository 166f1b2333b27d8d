"""A go-live's QoS objectives (SLA met %, availability, P1 count, MTTR), judged on its warranty period
with the computations of the service review (continual_improvement): the same counters
(``rollups.counters_query``) over the go-live's warranty incidents, the same figures
(``engines.service_kpis``) and the same availability (``kpis.availability``) of the CIs it covers.
"""

from __future__ import annotations

import datetime as dt

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, getdate, today

from itil_crm.engines import service_kpis
from itil_crm.engines.warranty import Criterion

# go-live field -> KPI key of the catalogue
FIELDS = {
	"qos_sla_met": "sla_met",
	"qos_availability": "availability",
	"qos_max_major_incidents": "major_incidents",
	"qos_mttr_hours": "mttr_hours",
}


def objectives(go_live) -> tuple[tuple[str, float], ...]:
	"""The objectives the go-live sets (an empty field is none; P1s only when limited)."""
	out = []
	for field, kpi in FIELDS.items():
		if field == "qos_max_major_incidents":
			if cint(go_live.get("qos_limit_major_incidents")):
				out.append((kpi, float(cint(go_live.get(field)))))
		elif flt(go_live.get(field)):
			out.append((kpi, flt(go_live.get(field))))
	return tuple(out)


def period(go_live) -> tuple[dt.date, dt.date]:
	"""The warranty so far: from the go-live date to the end of the warranty or today, whichever is first
	(``[start, end)``, end exclusive)."""
	start = getdate(go_live.go_live_date)
	last = getdate(today())
	if go_live.warranty_end:
		last = min(last, getdate(go_live.warranty_end))
	return start, max(getdate(add_days(last, 1)), start)


def values(go_live, wanted: tuple[tuple[str, float], ...]) -> dict[str, float | int | None]:
	"""The warranty period's KPIs named by the objectives."""
	if go_live.is_new() or not go_live.go_live_date:
		return {}
	keys = {kpi for kpi, _objective in wanted}
	start, end = period(go_live)
	out: dict[str, float | int | None] = {}
	if keys - {"availability"}:
		out.update(incident_figures(go_live.name, start))
	if "availability" in keys:
		out["availability"] = availability(go_live, start, end)
	return out


def incident_figures(go_live: str, start: dt.date) -> dict[str, float | int | None]:
	"""The incident KPIs of the go-live's warranty incidents, whenever they are resolved: the service
	review's counters, narrowed to them and summed, major incidents being those of the top priority."""
	from itil_crm.continual_improvement.rollups import counters_query

	end = getdate(add_days(today(), 1))
	rows = counters_query(
		start, end, group_by=["priority"], incident_filter=lambda i: i.warranty_go_live == go_live
	).run(as_dict=True)
	top = set(frappe.get_all("ITIL Priority", filters={"rank": 1}, pluck="name"))
	counters = service_kpis.add_counters(*rows)
	major = service_kpis.add_counters(*(r for r in rows if r.priority in top))
	counters.update(
		p1_opened=major["opened"], p1_resolved=major["resolved"], p1_wall_seconds=major["wall_seconds"]
	)
	return service_kpis.figures_from_counters(counters)


def availability(go_live, start: dt.date, end: dt.date) -> float | None:
	"""The lowest availability of the business services the go-live covers (else of its covered CIs)."""
	from itil_crm.continual_improvement import kpis

	cis = [row.configuration_item for row in go_live.affected_cis if row.configuration_item]
	if not cis:
		return None
	services = frappe.get_all(
		"ITIL Configuration Item", filters={"name": ["in", cis], "ci_type": "Business Service"}, pluck="name"
	)
	rows = kpis.availability(start, end, services or cis)
	found = [r["availability"] for r in rows if r.get("availability") is not None]
	return min(found) if found else None


def describe(criterion: Criterion) -> str:
	kpi = service_kpis.KPIS[criterion.key.removeprefix("qos_")]
	objective = _format(kpi, criterion.objective)
	if criterion.value is None:
		return _("QoS objective {0}: nothing to measure yet (objective {1})").format(_(kpi.label), objective)
	bound = _("at least {0}") if kpi.better == service_kpis.HIGHER else _("at most {0}")
	return _("QoS objective {0}: {1} (objective {2})").format(
		_(kpi.label), _format(kpi, criterion.value), bound.format(objective)
	)


def _format(kpi, value) -> str:
	if value is None:
		return "–"
	if kpi.unit == service_kpis.COUNT:
		return str(int(value))
	text = f"{flt(value, 3):g}"
	return f"{text} %" if kpi.unit == service_kpis.PERCENT else _("{0} h").format(text)
