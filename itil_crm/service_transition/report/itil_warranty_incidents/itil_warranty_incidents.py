"""Warranty incidents: for each go-live, its warranty incidents by priority (open, breached, SLA
compliance), most urgent first, with a chart of open and resolved incidents by priority (one query, built
with frappe.qb)."""

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.query_builder.functions import Count, Sum

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.engines.warranty import BREACHED, KEPT
from itil_crm.queries import permitted


def execute(filters=None):
	filters = frappe._dict(filters or {})
	incident = frappe.qb.DocType("ITIL Incident")
	go_live = frappe.qb.DocType("ITIL Go-Live")
	priority = frappe.qb.DocType("ITIL Priority")
	query = (
		frappe.qb.from_(incident)
		.join(go_live)
		.on(go_live.name == incident.warranty_go_live)
		.left_join(priority)
		.on(priority.name == incident.priority)
		.select(
			go_live.name.as_("go_live"),
			go_live.title,
			go_live.status.as_("go_live_status"),
			incident.priority,
			priority.rank,
			Count("*").as_("incidents"),
			Sum(incident.status.isin(OPEN_STATUSES)).as_("still_open"),
			Sum(incident.sla_status.isin(sorted(BREACHED))).as_("breached"),
			Sum(incident.sla_status.isin(sorted(KEPT))).as_("kept"),
		)
		.where(incident.status != "Cancelled")
		.groupby(go_live.name, go_live.title, go_live.status, incident.priority, priority.rank)
		.orderby(go_live.name, order=Order.desc)
		.orderby(priority.rank.isnull())
		.orderby(priority.rank)
	)
	if filters.get("go_live"):
		query = query.where(go_live.name == filters.go_live)
	elif not filters.get("include_closed"):
		query = query.where(go_live.status != "Closed")
	data = permitted(query, "ITIL Incident").run(as_dict=True)  # the incidents the user may read
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
