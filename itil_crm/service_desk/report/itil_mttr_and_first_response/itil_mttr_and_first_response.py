"""Mean time to resolve (MTTR) and time to first response of incidents, by priority, support group or
month of opening: wall-clock hours beside the service hours the SLA clock counted, the share of
agreements met. One grouped query through the user's permissions."""

import frappe
from frappe import _
from frappe.query_builder.functions import Avg, Count, Extract
from frappe.utils import add_months, add_to_date, flt, get_datetime, getdate, today
from pypika.terms import Case

from itil_crm.queries import permitted, seconds_between
from itil_crm.service_desk.report.grouping import chosen, group_column

# grouping -> the columns grouped on (a month is its year and its month of opening)
GROUPINGS = {
	"Priority": lambda incident: [incident.priority],
	"Support Group": lambda incident: [incident.support_group],
	"Month": lambda incident: [Extract("year", incident.opened_on), Extract("month", incident.opened_on)],
}
HOUR = 3600.0


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = chosen(filters, GROUPINGS)
	from_date = getdate(filters.get("from_date") or add_months(today(), -3))
	to_date = getdate(filters.get("to_date") or today())
	if from_date > to_date:
		frappe.throw(_("From Date must be before To Date."))
	incident = frappe.qb.DocType("ITIL Incident")
	keys = GROUPINGS[group_by](incident)
	resolved, responded = incident.resolved_on.isnotnull(), incident.first_responded_on.isnotnull()
	query = (
		frappe.qb.from_(incident)
		.select(
			*(key.as_(f"grp_{n}") for n, key in enumerate(keys)),
			Count("*").as_("incidents"),
			Count(incident.resolved_on).as_("resolved"),
			Avg(seconds_between(incident.opened_on, incident.resolved_on)).as_("resolve_seconds"),
			Avg(Case().when(resolved, incident.resolution_elapsed)).as_("resolve_service"),
			Count(incident.first_responded_on).as_("responded"),
			Avg(seconds_between(incident.opened_on, incident.first_responded_on)).as_("response_seconds"),
			Avg(Case().when(responded, incident.response_elapsed)).as_("response_service"),
			Count(Case().when(incident.sla_status == "Met", 1)).as_("met"),
			Count(Case().when(incident.sla_status.isin(["Met", "Missed"]), 1)).as_("measured"),
		)
		.where(incident.opened_on >= get_datetime(from_date))
		.where(incident.opened_on < get_datetime(add_to_date(to_date, days=1)))
		.where(incident.status != "Cancelled")
		.groupby(*keys)
		.orderby(*keys)
	)
	for field in ("priority", "support_group", "customer"):
		if filters.get(field):
			query = query.where(incident[field] == filters.get(field))
	data = [_row(r, group_by) for r in permitted(query, "ITIL Incident").run(as_dict=True)]
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
