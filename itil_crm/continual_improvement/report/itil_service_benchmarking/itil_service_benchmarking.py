"""ITIL Service Benchmarking: support groups, tiers, suppliers, channels or customers side by side on the
same KPIs over a period of whole months: per KPI the value, its rank (1 = best), the target and the trend
against the previous period of the same length (kpis.benchmark, read from the replica when the site has
one). Each figure links to the incidents behind it (the report's script, observatory.drill_down)."""

import frappe
from frappe import _
from frappe.utils import add_months, get_first_day

from itil_crm.continual_improvement import kpis, observatory

# the KPIs compared when the KPI filter is empty
HEADLINE = ("incidents", "sla_met", "mttr_hours", "first_contact_resolution", "reopen_rate")
LINKS = {"Support Group": "ITIL Support Group", "Supplier": "ITIL Support Group", "Channel": "ITIL Channel"}


def trends() -> dict:
	return {"better": _("Better"), "worse": _("Worse"), "same": _("Same")}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	frappe.has_permission(observatory.INCIDENT, "read", throw=True)
	dimension = filters.get("dimension") or "Support Group"
	if not isinstance(dimension, str) or dimension not in observatory.DIMENSIONS:
		frappe.throw(_("Compare by one of: {0}.").format(", ".join(_(d) for d in observatory.DIMENSIONS)))
	start, end = period(filters)
	chosen = [filters.kpi] if filters.get("kpi") else list(HEADLINE)
	for kpi in chosen:
		observatory.checked_kpi(kpi)
	rows = kpis.benchmark(observatory.DIMENSIONS[dimension], start, end, chosen)
	data = [row(r, dimension, chosen) for r in rows]
	return columns(dimension, chosen, start, end), data, None, None, summary(start, end)


def period(filters) -> tuple:
	"""[start, end) of whole months covering From Date .. To Date (default: the last full month)."""
	last_start, last_end = observatory.last_full_month()
	start = get_first_day(observatory.date_in(filters, "from_date") or last_start)
	last = observatory.date_in(filters, "to_date")
	if last:
		end = add_months(get_first_day(last), 1)
	else:  # the last full month, or the month of From Date when it is the current one
		end = max(last_end, add_months(start, 1))
	if start >= end:
		frappe.throw(_("From Date must be before To Date."))
	return start, end


def label_of(dimension: str, value) -> str:
	if value in (None, ""):
		return _("(none)")
	return _("Level {0}").format(value) if dimension == "Tier" else str(value)


def row(r: dict, dimension: str, chosen: list[str]) -> dict:
	out = {"grp": label_of(dimension, r.get("value")), "value": r.get("value")}
	named = trends()
	for kpi in chosen:
		out[kpi] = observatory.number(r.get(kpi))
		out[f"{kpi}_rank"] = r.get(f"{kpi}_rank")
		out[f"{kpi}_target"] = r.get(f"{kpi}_target")
		out[f"{kpi}_trend"] = named.get(r.get(f"{kpi}_trend")) or ""
	return out


def columns(dimension: str, chosen: list[str], start, end) -> list[dict]:
	"""The dimension, then per KPI its value (a link to its incidents), and for a KPI with a direction
	(higher or lower is better) its rank, target and trend."""
	first = {"fieldname": "grp", "label": _(dimension), "fieldtype": "Data", "width": 180}
	if dimension in LINKS:
		first.update(fieldtype="Link", options=LINKS[dimension])
	out = [first]
	for kpi in chosen:
		name = observatory.label(kpi)
		out.append(
			{
				"fieldname": kpi,
				"label": name,
				"fieldtype": observatory.fieldtype(kpi),
				"precision": 2,
				"width": 130,
				# the report's script links the figure to its incidents
				"drill_down": kpi,
				"from_date": str(start),
				"to_date": str(end),
			}
		)
		if observatory.KPIS[kpi].better is None:  # a volume: no rank, target nor trend
			continue
		out += [
			{
				"fieldname": f"{kpi}_rank",
				"label": _("{0}: Rank").format(name),
				"fieldtype": "Int",
				"width": 120,
			},
			{
				"fieldname": f"{kpi}_target",
				"label": _("{0}: Target").format(name),
				"fieldtype": "Float",
				"precision": 2,
				"width": 120,
			},
			{
				"fieldname": f"{kpi}_trend",
				"label": _("{0}: Trend").format(name),
				"fieldtype": "Data",
				"width": 120,
			},
		]
	return out


def summary(start, end) -> list[dict]:
	return [
		{"label": _("From"), "value": observatory.month_label(start), "datatype": "Data"},
		{"label": _("To"), "value": observatory.month_label(add_months(end, -1)), "datatype": "Data"},
	]
