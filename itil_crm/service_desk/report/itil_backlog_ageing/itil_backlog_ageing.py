"""Backlog ageing: the open incidents by how long ago they were opened (the workspace chart's age
bands), per priority, support group or tier, with the oldest one. One grouped query through the
user's permissions."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Min
from frappe.utils import add_days, now_datetime
from pypika.terms import Case, Criterion

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.queries import permitted
from itil_crm.service_desk.report.grouping import chosen, group_column
from itil_crm.service_desk.workspace_charts import AGES, band_label

GROUPINGS = {"Priority": "priority", "Support Group": "support_group", "Tier": "tier", "Status": "status"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = chosen(filters, GROUPINGS)
	incident = frappe.qb.DocType("ITIL Incident")
	key = incident[GROUPINGS[group_by]]
	now = now_datetime().replace(microsecond=0)
	query = (
		frappe.qb.from_(incident)
		.select(key.as_("grp"), Count("*").as_("total"), Min(incident.opened_on).as_("oldest"))
		.where(incident.status.isin(OPEN_STATUSES))
		.groupby(key)
		.orderby(key)
	)
	for n, (low, high) in enumerate(AGES):
		conditions = [incident.opened_on <= add_days(now, -low)] if low else []
		if high is not None:
			conditions.append(incident.opened_on > add_days(now, -high))
		query = query.select(Count(Case().when(Criterion.all(conditions), 1)).as_(f"band_{n}"))
	for field in ("priority", "support_group"):
		if filters.get(field):
			query = query.where(incident[field] == filters.get(field))
	rows = permitted(query, "ITIL Incident").run(as_dict=True)
	data = []
	for r in rows:
		row = {"grp": r.grp if r.grp not in (None, "") else _("(none)"), "total": r.total}
		row.update({f"band_{n}": int(r.get(f"band_{n}") or 0) for n in range(len(AGES))})
		row["oldest_days"] = round((now - r.oldest).total_seconds() / 86400, 1) if r.oldest else None
		data.append(row)
	return _columns(group_by), data, None, _chart(data)


def _columns(group_by: str) -> list[dict]:
	first = group_column(group_by)
	columns = [first]
	for n, (low, high) in enumerate(AGES):
		columns.append(
			{"fieldname": f"band_{n}", "label": band_label(low, high), "fieldtype": "Int", "width": 110}
		)
	columns.append({"fieldname": "total", "label": _("Open"), "fieldtype": "Int", "width": 80})
	columns.append(
		{"fieldname": "oldest_days", "label": _("Oldest (days)"), "fieldtype": "Float", "width": 120}
	)
	return columns


def _chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [band_label(low, high) for low, high in AGES],
			"datasets": [
				{"name": str(r["grp"]), "values": [r[f"band_{n}"] for n in range(len(AGES))]} for r in data
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
