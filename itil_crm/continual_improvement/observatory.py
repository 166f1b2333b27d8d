"""The service-quality observatory (Dashboard "ITIL Observatory"): twelve-month trends of each KPI beside
its target (Dashboard Chart Source "ITIL KPI Trend", one standard chart per KPI), the last full month's
figures (Custom Number Cards), and the route to the incidents behind a figure (drill-down).

Every figure comes from itil_crm.continual_improvement.kpis (the one source of figures; rollups at scale);
the computations here read from the replica when the site has ``read_from_replica``
(frappe_fixes/replica.py). What the user may see: the ITIL Incident read permission (the figures are
the desk's, as in the reports of the same roles)."""

import frappe
from frappe import _
from frappe.utils import add_months, formatdate, get_first_day, getdate, nowdate
from frappe.utils.dashboard import cache_source

from itil_crm.continual_improvement import kpis
from itil_crm.engines import service_kpis
from itil_crm.frappe_fixes.replica import reads_from_replica
from itil_crm.frappe_fixes.whitelisted_arguments import Filters, JSONObject, checked

MONTHS = 12
INCIDENT = "ITIL Incident"
NOTHING = "–"  # a card's figure when there is nothing to measure
UNITS = {service_kpis.COUNT: "Int", service_kpis.PERCENT: "Percent", service_kpis.HOURS: "Float"}
KPIS = service_kpis.KPIS  # the catalogue (engines/service_kpis.py), in its order
# the benchmarking dimensions: the report's label -> kpis' dimension key
DIMENSIONS = {
	"Support Group": "support_group",
	"Tier": "tier",
	"Supplier": "supplier",
	"Channel": "channel",
	"Customer": "customer",
	"Priority": "priority",
}


def label(kpi: str) -> str:
	"""A KPI's name, in the user's language."""
	return _(KPIS[kpi].label)


def fieldtype(kpi: str) -> str:
	return UNITS[KPIS[kpi].unit]


def checked_kpi(kpi) -> str:
	if not isinstance(kpi, str) or kpi not in KPIS:
		frappe.throw(_("Unknown KPI {0}.").format(kpi))
	return kpi


def last_full_month(today=None) -> tuple:
	"""[start, end) of the month before the current one (the site's dates)."""
	end = get_first_day(getdate(today or nowdate()))
	return add_months(end, -1), end


def month_label(start) -> str:
	return formatdate(start, "MMM yyyy")


def scope_of(filters: dict | None) -> "kpis.Scope":
	"""The KPI scope of a chart's or report's filters (customer_type + customer, service): names, the
	service and the customer's type existing records."""
	filters = frappe._dict(filters or {})
	customer_type = name_in(filters, "customer_type", "DocType")
	customer = name_in(filters, "customer")
	return kpis.Scope(
		customer_type=customer_type if customer else None,
		customer=customer,
		service=name_in(filters, "service", "ITIL Configuration Item"),
	)


def name_in(filters: dict, key: str, doctype: str | None = None) -> str | None:
	value = filters.get(key)
	if value in (None, ""):
		return None
	if not isinstance(value, str):
		frappe.throw(_("The filter {0} must be a name.").format(key))
	if doctype and not frappe.db.exists(doctype, value):
		frappe.throw(_("{0} {1} does not exist.").format(_(doctype), value), frappe.DoesNotExistError)
	return value


def date_in(filters: dict, key: str):
	"""A date filter's value (None when empty)."""
	value = filters.get(key)
	if value in (None, ""):
		return None
	if not isinstance(value, str):
		frappe.throw(_("The filter {0} must be a date.").format(key))
	return getdate(value)


def number(value):
	"""A figure as a chart or a card shows it (nothing to measure: None)."""
	if value is None or isinstance(value, int):
		return value
	return round(float(value), 2)


# ------------------------------------------------------------------ trends (Dashboard Chart Source)


@reads_from_replica
def trend(kpi: str, scope=None, months: int = MONTHS, end=None) -> list[tuple]:
	"""(month start, value) for each of the last ``months`` full months before ``end`` (default: the
	current month), oldest first."""
	checked_kpi(kpi)
	return kpis.trend(kpi, months=months, scope=scope or kpis.Scope(), end=end or last_full_month()[1])


def trends(kpi_keys, scope=None, months: int = MONTHS, end=None) -> dict[str, list]:
	"""``trend`` of several KPIs, each source read once (kpis.trends)."""
	for kpi in kpi_keys:
		checked_kpi(kpi)
	return kpis.trends(
		list(kpi_keys), months=months, scope=scope or kpis.Scope(), end=end or last_full_month()[1]
	)


def target(kpi: str, scope=None):
	if kpi == "availability" and scope and scope.service:
		return kpis.service_target(scope.service)
	return kpis.targets().get(kpi)


def trend_chart(kpi: str, scope=None) -> dict:
	"""Frappe chart data: the KPI over the last twelve full months, and its target as a second line."""
	points = trend(kpi, scope)
	goal = target(kpi, scope)
	datasets = [{"name": label(kpi), "values": [number(v) or 0 for _m, v in points]}]
	if goal is not None:
		datasets.append({"name": _("Target"), "values": [float(goal) for _p in points]})
	return {"labels": [month_label(m) for m, _v in points], "datasets": datasets}


@cache_source
def _cached_trend(chart_name=None, chart=None, filters=None, **_kwargs):
	if not filters:  # the chart's own (Frappe's cache passes the chart alone with no_cache)
		doc = chart if chart is not None else frappe.get_doc("Dashboard Chart", chart_name)
		filters = doc.get("filters_json") if hasattr(doc, "get") else None
	filters = frappe._dict(frappe.parse_json(filters) or {})
	return trend_chart(checked_kpi(filters.get("kpi")), scope_of(filters))


@frappe.whitelist()
@checked
def trend_source(
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
	"""The ``get`` of Dashboard Chart Source "ITIL KPI Trend" (the chart's filters name the KPI)."""
	frappe.has_permission(INCIDENT, "read", throw=True)
	name = chart_name if chart_name or not chart else chart.get("name")
	if not (isinstance(name, str) and frappe.db.exists("Dashboard Chart", name)):
		frappe.throw(_("Dashboard Chart {0} does not exist.").format(name), frappe.DoesNotExistError)
	if isinstance(filters, list):  # the desk's empty filter list
		filters = None
	return _cached_trend(chart_name=name, filters=filters, no_cache=no_cache, refresh=refresh)


# ------------------------------------------------------------------ the last full month (Number Cards)


@frappe.whitelist()
@checked
def kpi_card(filters: Filters | None = None) -> dict:
	"""A Custom Number Card: the KPI of the card's filters (``{"kpi": ...}``) over the last full month,
	with the route to the incidents behind it."""
	frappe.has_permission(INCIDENT, "read", throw=True)
	filters = frappe._dict(filters if isinstance(filters, dict) else {})
	kpi = checked_kpi(filters.get("kpi"))
	start, end = last_full_month()
	value = month_figure(kpi, start, end, scope_of(filters))
	if value is None:
		return NOTHING  # nothing to measure (the card shows the text)
	card = {"value": number(value), "fieldtype": fieldtype(kpi)}
	return {**card, **incident_route(kpi, start, end, scope_of(filters))}


def month_figure(kpi: str, start, end, scope):
	"""The KPI over [start, end) of one month (the last point of its trend: the chart's figure)."""
	return trend(kpi, scope, months=1, end=end)[-1][1]


# ------------------------------------------------------------------ drill-down


def incident_route(kpi: str, start, end, scope=None, dimension: str | None = None, value=None) -> dict:
	"""``route`` and ``route_options`` of the incident list behind a figure (kpis.drill_down), as a
	Custom Number Card or the desk's ``frappe.set_route`` take them."""
	found = kpis.drill_down(kpi, getdate(start), getdate(end), scope or kpis.Scope(), dimension, value) or {}
	doctype = found.get("doctype") or INCIDENT
	return {"route": ["List", doctype], "route_options": route_options(found.get("filters") or [])}


def route_options(filters) -> dict:
	"""A list view's route options from kpis.drill_down's [field, operator, value] filters (one per
	field, as the list takes them)."""
	options = {}
	for field, op, value in filters:
		options[field] = value if op == "=" else [op, value]
	return options


@frappe.whitelist()
@checked
def drill_down(
	kpi: str,
	from_date: str,
	to_date: str,
	dimension: str | None = None,
	value: str | None = None,
	customer_type: str | None = None,
	customer: str | None = None,
	service: str | None = None,
) -> dict:
	"""The incident list behind one figure of the observatory's reports: [from_date, to_date) and,
	for a benchmarking row, the dimension's value (the report's Compare label, or a kpis key)."""
	frappe.has_permission(INCIDENT, "read", throw=True)
	checked_kpi(kpi)
	if dimension:
		dimension = DIMENSIONS.get(dimension, dimension)
		if dimension not in DIMENSIONS.values():
			frappe.throw(_("Unknown dimension {0}: use one of {1}.").format(dimension, ", ".join(DIMENSIONS)))
	start, end = getdate(from_date), getdate(to_date)
	if start >= end:
		frappe.throw(_("From Date must be before To Date."))
	scope = scope_of({"customer_type": customer_type, "customer": customer, "service": service})
	return incident_route(kpi, start, end, scope, dimension, value)
