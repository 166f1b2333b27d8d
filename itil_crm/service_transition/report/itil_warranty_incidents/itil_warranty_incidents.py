"""Warranty incidents: for each go-live, its warranty incidents by priority (open, breached, SLA
compliance), most urgent first, with a chart of open and resolved incidents by priority (one query)."""

import frappe
from frappe import _

from itil_crm.engines.warranty import BREACHED, KEPT

QUERY = """
select gl.name as go_live, gl.title, gl.status as go_live_status, i.priority, p.rank,
	count(*) as incidents,
	sum(i.status in ('New', 'Assigned', 'In Progress', 'On Hold')) as still_open,
	sum(i.sla_status in %(breached)s) as breached,
	sum(i.sla_status in %(kept)s) as kept
from `tabITIL Incident` i
join `tabITIL Go-Live` gl on gl.name = i.warranty_go_live
left join `tabITIL Priority` p on p.name = i.priority
where i.status != 'Cancelled' {extra}
group by gl.name, gl.title, gl.status, i.priority, p.rank
order by gl.name desc, p.rank is null, p.rank
"""


def execute(filters=None):
	filters = frappe._dict(filters or {})
	params = {"breached": tuple(BREACHED), "kept": tuple(KEPT)}
	extra = ""
	if filters.get("go_live"):
		extra = "and gl.name = %(go_live)s"
		params["go_live"] = filters.go_live
	elif not filters.get("include_closed"):
		extra = "and gl.status != 'Closed'"
	data = frappe.db.sql(QUERY.format(extra=extra), params, as_dict=True)
	for row in data:
		under_agreement = (row.kept or 0) + (row.breached or 0)
		row.sla_compliance = round(100 * row.kept / under_agreement, 1) if under_agreement else None
		row.resolved = row.incidents - (row.still_open or 0)
	return columns(), data, None, chart(data)


def columns():
	return [
		{
			"fieldname": "go_live",
			"label": _("Go-Live"),
			"fieldtype": "Link",
			"options": "ITIL Go-Live",
			"width": 130,
		},
		{"fieldname": "title", "label": _("Title"), "fieldtype": "Data", "width": 200},
		{"fieldname": "go_live_status", "label": _("Status"), "fieldtype": "Data", "width": 110},
		{
			"fieldname": "priority",
			"label": _("Priority"),
			"fieldtype": "Link",
			"options": "ITIL Priority",
			"width": 110,
		},
		{"fieldname": "incidents", "label": _("Incidents"), "fieldtype": "Int", "width": 90},
		{"fieldname": "still_open", "label": _("Open"), "fieldtype": "Int", "width": 80},
		{"fieldname": "resolved", "label": _("Resolved"), "fieldtype": "Int", "width": 90},
		{"fieldname": "breached", "label": _("Breached"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "sla_compliance",
			"label": _("SLA Compliance (%)"),
			"fieldtype": "Percent",
			"width": 130,
		},
	]


def chart(data):
	if not data:
		return None
	by_priority: dict[str, list[int]] = {}
	for row in data:
		counts = by_priority.setdefault(row.priority or _("None"), [0, 0])
		counts[0] += row.still_open or 0
		counts[1] += row.resolved
	labels = list(by_priority)
	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("Open"), "values": [by_priority[p][0] for p in labels]},
				{"name": _("Resolved"), "values": [by_priority[p][1] for p in labels]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
