"""ITIL KPI Trends: every KPI of the catalogue over the last twelve full months, beside its target, for
the whole desk, a customer or a business service. The figures are the observatory's
(continual_improvement.observatory.trend over kpis.trend, read from the replica when the site has one);
each figure links to the incidents behind it (the report's script, observatory.drill_down)."""

import frappe
from frappe import _
from frappe.utils import add_months, get_first_day

from itil_crm.continual_improvement import observatory

MONTHS = observatory.MONTHS


def execute(filters=None):
	filters = frappe._dict(filters or {})
	frappe.has_permission(observatory.INCIDENT, "read", throw=True)
	last = get_first_day(observatory.date_in(filters, "month") or observatory.last_full_month()[0])
	end = add_months(last, 1)
	scope = observatory.scope_of(filters)
	months = [add_months(end, -k) for k in range(MONTHS, 0, -1)]
	data = []
	every = observatory.trends(observatory.KPIS, scope, MONTHS, end)  # each source read once
	for kpi in observatory.KPIS:
		values = dict(every[kpi])
		row = {"kpi": kpi, "kpi_label": observatory.label(kpi), "target": observatory.target(kpi, scope)}
		for month in months:
			row[column_of(month)] = observatory.number(values.get(month))
		data.append(row)
	return columns(months), data


def column_of(month) -> str:
	return f"m_{month:%Y_%m}"


def columns(months) -> list[dict]:
	out = [{"fieldname": "kpi_label", "label": _("KPI"), "fieldtype": "Data", "width": 240}]
	out += [
		{
			"fieldname": column_of(m),
			"label": observatory.month_label(m),
			"fieldtype": "Float",
			"width": 95,
			"from_date": str(m),  # the report's script links the figure to its incidents
			"to_date": str(add_months(m, 1)),
		}
		for m in months
	]
	out.append({"fieldname": "target", "label": _("Target"), "fieldtype": "Float", "width": 90})
	return out
