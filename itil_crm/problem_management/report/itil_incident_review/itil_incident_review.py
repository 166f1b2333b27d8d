"""Incident review: incidents grouped by problem and known error, with counts, time to resolve and how
many a workaround resolved (one query, built with frappe.qb)."""

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.query_builder.functions import Avg, Count, IfNull, Sum
from frappe.utils import add_months, add_to_date, getdate, today
from pypika.terms import Case

from itil_crm.engines.lifecycle import OPEN_STATUSES, RESOLVED_STATUSES
from itil_crm.queries import permitted, seconds_between


def execute(filters=None):
	filters = frappe._dict(filters or {})
	incident = frappe.qb.DocType("ITIL Incident")
	problem = frappe.qb.DocType("ITIL Problem")
	known_error = frappe.qb.DocType("ITIL Known Error")
	incidents = Count("*").as_("incidents")
	to_resolve = Case().when(
		incident.resolved_on.isnotnull(), seconds_between(incident.opened_on, incident.resolved_on)
	)
	query = (
		frappe.qb.from_(incident)
		.left_join(problem)
		.on(problem.name == incident.problem)
		.left_join(known_error)
		.on(known_error.name == incident.known_error)
		.select(
			incident.problem,
			problem.title.as_("problem_title"),
			incident.known_error,
			known_error.title.as_("known_error_title"),
			incidents,
			Sum(incident.status.isin(RESOLVED_STATUSES)).as_("resolved"),
			Sum(incident.resolution_code == "Workaround Applied").as_("by_workaround"),
			Sum(incident.status.isin(OPEN_STATUSES)).as_("still_open"),
			(Avg(to_resolve) / 3600).as_("hours_to_resolve"),
		)
		.where((IfNull(incident.problem, "") != "") | (IfNull(incident.known_error, "") != ""))
		.where(incident.opened_on >= getdate(filters.get("from_date") or add_months(today(), -3)))
		.where(incident.opened_on < add_to_date(getdate(filters.get("to_date") or today()), days=1))
		.groupby(incident.problem, problem.title, incident.known_error, known_error.title)
		.orderby(incidents, order=Order.desc)
		.orderby(incident.problem)
		.orderby(incident.known_error)
	)
	for field in ("problem", "known_error"):
		if filters.get(field):
			query = query.where(incident[field] == filters.get(field))
	data = permitted(query, "ITIL Incident").run(as_dict=True)  # the incidents the user may read
	for row in data:
		row.workaround_rate = round(100 * row.by_workaround / row.incidents, 1) if row.incidents else 0
		row.hours_to_resolve = round(row.hours_to_resolve, 1) if row.hours_to_resolve is not None else None
	columns = [
		{
			"fieldname": "problem",
			"label": _("Problem"),
			"fieldtype": "Link",
			"options": "ITIL Problem",
			"width": 140,
		},
		{"fieldname": "problem_title", "label": _("Problem Title"), "fieldtype": "Data", "width": 220},
		{
			"fieldname": "known_error",
			"label": _("Known Error"),
			"fieldtype": "Link",
			"options": "ITIL Known Error",
			"width": 140,
		},
		{
			"fieldname": "known_error_title",
			"label": _("Known Error Title"),
			"fieldtype": "Data",
			"width": 200,
		},
		{"fieldname": "incidents", "label": _("Incidents"), "fieldtype": "Int", "width": 90},
		{"fieldname": "resolved", "label": _("Resolved"), "fieldtype": "Int", "width": 90},
		{"fieldname": "by_workaround", "label": _("By Workaround"), "fieldtype": "Int", "width": 120},
		{"fieldname": "workaround_rate", "label": _("Workaround %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "still_open", "label": _("Open"), "fieldtype": "Int", "width": 70},
		{"fieldname": "hours_to_resolve", "label": _("Hours to Resolve"), "fieldtype": "Float", "width": 130},
	]
	top = data[:10]
	chart = (
		{
			"data": {
				"labels": [r.problem or r.known_error for r in top],
				"datasets": [
					{"name": _("Resolved by workaround"), "values": [r.by_workaround for r in top]},
					{"name": _("Other incidents"), "values": [r.incidents - r.by_workaround for r in top]},
				],
			},
			"type": "bar",
			"barOptions": {"stacked": 1},
		}
		if top
		else None
	)
	return columns, data, None, chart
