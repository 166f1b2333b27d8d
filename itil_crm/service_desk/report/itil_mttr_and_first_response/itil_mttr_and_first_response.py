"""Mean time to resolve (MTTR) and time to first response of incidents, by priority, support group or
month of opening: wall-clock hours beside the service hours the SLA clock counted, the share of
agreements met. One grouped query through the user's permissions."""

import frappe
from frappe import _
from frappe.utils import add_months, add_to_date, flt, getdate, today

from itil_crm.service_desk.report.grouping import chosen, group_column

# grouping -> the columns grouped on (a month is its year and its month of opening)
GROUPINGS = {
	"Priority": ["priority"],
	"Support Group": ["support_group"],
	"Month": ["year(opened_on)", "month(opened_on)"],
}
HOUR = 3600.0


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = chosen(filters, GROUPINGS)
	keys = GROUPINGS[group_by]
	from_date = getdate(filters.get("from_date") or add_months(today(), -3))
	to_date = getdate(filters.get("to_date") or today())
	if from_date > to_date:
		frappe.throw(_("From Date must be before To Date."))
	conditions = [["opened_on", ">=", from_date], ["opened_on", "<", add_to_date(to_date, days=1)]]
	conditions.append(["status", "!=", "Cancelled"])
	for field in ("priority", "support_group", "customer"):
		if filters.get(field):
			conditions.append([field, "=", filters.get(field)])
	rows = frappe.get_list(
		"ITIL Incident",
		filters=conditions,
		fields=[
			*(f"{key} as grp_{n}" for n, key in enumerate(keys)),
			"count(*) as incidents",
			"sum(resolved_on is not null) as resolved",
			"avg(timestampdiff(second, opened_on, resolved_on)) as resolve_seconds",
			"avg(case when resolved_on is not null then resolution_elapsed end) as resolve_service",
			"sum(first_responded_on is not null) as responded",
			"avg(timestampdiff(second, opened_on, first_responded_on)) as response_seconds",
			"avg(case when first_responded_on is not null then response_elapsed end) as response_service",
			"sum(sla_status = 'Met') as met",
			"sum(sla_status in ('Met', 'Missed')) as measured",
		],
		group_by=", ".join(keys),
		order_by=", ".join(f"{key} asc" for key in keys),
	)
	data = [_row(r, group_by) for r in rows]
	return _columns(group_by), data, None, _chart(data)


def _hours(seconds) -> float | None:
	return None if seconds is None else round(flt(seconds) / HOUR, 2)


def _group(r, group_by: str) -> str:
	if group_by == "Month":
		return f"{r.grp_0}-{int(r.grp_1):02d}" if r.grp_0 else _("(none)")
	return r.grp_0 or _("(none)")


def _row(r, group_by: str) -> dict:
	return {
		"grp": _group(r, group_by),
		"incidents": r.incidents,
		"resolved": int(r.resolved or 0),
		"mttr": _hours(r.resolve_seconds),
		"mttr_service": _hours(r.resolve_service),
		"responded": int(r.responded or 0),
		"first_response": _hours(r.response_seconds),
		"first_response_service": _hours(r.response_service),
		"sla_met": round(100.0 * r.met / r.measured, 1) if r.measured else None,
	}


def _columns(group_by: str) -> list[dict]:
	return [
		group_column(group_by),
		{"fieldname": "incidents", "label": _("Incidents"), "fieldtype": "Int", "width": 90},
		{"fieldname": "resolved", "label": _("Resolved"), "fieldtype": "Int", "width": 90},
		{"fieldname": "mttr", "label": _("MTTR (hours)"), "fieldtype": "Float", "width": 120},
		{"fieldname": "mttr_service", "label": _("MTTR (service hours)"), "fieldtype": "Float", "width": 160},
		{"fieldname": "responded", "label": _("Responded"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "first_response",
			"label": _("First Response (hours)"),
			"fieldtype": "Float",
			"width": 170,
		},
		{
			"fieldname": "first_response_service",
			"label": _("First Response (service hours)"),
			"fieldtype": "Float",
			"width": 210,
		},
		{"fieldname": "sla_met", "label": _("SLA Met %"), "fieldtype": "Percent", "width": 100},
	]


def _chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [str(r["grp"]) for r in data],
			"datasets": [
				{"name": _("MTTR (hours)"), "values": [r["mttr"] or 0 for r in data]},
				{"name": _("First Response (hours)"), "values": [r["first_response"] or 0 for r in data]},
			],
		},
		"type": "bar",
	}
