"""Incident review: incidents grouped by problem and known error, with counts, time to resolve and how
many a workaround resolved (one query)."""

import frappe
from frappe import _
from frappe.utils import add_months, add_to_date, getdate, today

QUERY = """
select i.problem, p.title as problem_title, i.known_error, k.title as known_error_title,
	count(*) as incidents,
	sum(i.status in ('Resolved', 'Closed')) as resolved,
	sum(i.resolution_code = 'Workaround Applied') as by_workaround,
	sum(i.status in ('New', 'Assigned', 'In Progress', 'On Hold')) as still_open,
	avg(case when i.resolved_on is not null
		then timestampdiff(second, i.opened_on, i.resolved_on) end) / 3600 as hours_to_resolve
from `tabITIL Incident` i
left join `tabITIL Problem` p on p.name = i.problem
left join `tabITIL Known Error` k on k.name = i.known_error
where (ifnull(i.problem, '') != '' or ifnull(i.known_error, '') != '')
	and i.opened_on >= %(from_date)s and i.opened_on < %(to_date)s
	{extra}
group by i.problem, p.title, i.known_error, k.title
order by incidents desc, i.problem, i.known_error
"""


def execute(filters=None):
	filters = frappe._dict(filters or {})
	params = {
		"from_date": getdate(filters.get("from_date") or add_months(today(), -3)),
		"to_date": add_to_date(getdate(filters.get("to_date") or today()), days=1),
	}
	extra = []
	for field in ("problem", "known_error"):
		if filters.get(field):
			extra.append(f"and i.{field} = %({field})s")
			params[field] = filters.get(field)
	data = frappe.db.sql(QUERY.format(extra=" ".join(extra)), params, as_dict=True)
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
