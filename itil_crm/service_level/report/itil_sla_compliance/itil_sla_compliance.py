"""SLA / OLA / UC compliance (R3) by priority, support group, supplier or month.

SLA rows come from the incidents' customer clock; OLA and UC rows from the legs, so the quality of
the whole chain can be read leg by leg. An incident counts when its clock is decided (Met or Missed)
or already Breached; a leg counts once it is closed or breached.
"""

import frappe
from frappe import _

GROUPINGS = {
	"Priority": ("inc.priority", "inc.priority"),
	"Support Group": ("inc.support_group", "leg.support_group"),
	"Supplier": (None, "leg.support_group"),
	"Month": ("left(inc.opened_on, 7)", "left(inc.opened_on, 7)"),
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	grouping = filters.get("group_by") or "Priority"
	if grouping not in GROUPINGS:
		frappe.throw(_("Group by one of: {0}").format(", ".join(GROUPINGS)))
	kinds = [filters.agreement_type] if filters.get("agreement_type") else ["SLA", "OLA", "UC"]
	rows = []
	if "SLA" in kinds and GROUPINGS[grouping][0]:
		rows += sla_rows(GROUPINGS[grouping][0], filters)
	for kind in ("OLA", "UC"):
		if kind in kinds:
			rows += leg_rows(GROUPINGS[grouping][1], kind, filters, external_only=grouping == "Supplier")
	for row in rows:
		row["compliance"] = round(100.0 * row["met"] / row["measured"], 1) if row["measured"] else None
	rows.sort(key=lambda r: (r["agreement_type"], str(r["key"] or "")))
	return columns(grouping), rows, None, chart(rows)


def _conditions(filters) -> tuple[str, dict]:
	sql, params = "", {}
	if filters.get("from_date"):
		sql += " and inc.opened_on >= %(from_date)s"
		params["from_date"] = filters.from_date
	if filters.get("to_date"):
		sql += " and inc.opened_on < date_add(%(to_date)s, interval 1 day)"
		params["to_date"] = filters.to_date
	return sql, params


def sla_rows(key: str, filters) -> list[dict]:
	cond, params = _conditions(filters)
	return frappe.db.sql(
		f"""select {key} as `key`, 'SLA' as agreement_type,
			count(*) as measured,
			sum(inc.sla_status = 'Met') as met,
			sum(inc.sla_status in ('Missed', 'Breached')) as missed
		from `tabITIL Incident` inc
		where inc.sla_status in ('Met', 'Missed', 'Breached') {cond}
		group by {key}""",
		params,
		as_dict=True,
	)


def leg_rows(key: str, kind: str, filters, external_only=False) -> list[dict]:
	cond, params = _conditions(filters)
	params["kind"] = kind
	if external_only:
		cond += " and leg.is_external = 1"
	return frappe.db.sql(
		f"""select {key} as `key`, %(kind)s as agreement_type,
			count(*) as measured,
			sum(leg.breached = 0) as met,
			sum(leg.breached = 1) as missed
		from `tabITIL Incident Leg` leg
		join `tabITIL Incident` inc on inc.name = leg.incident
		where leg.agreement_type = %(kind)s
			and (leg.outcome != 'Open' or leg.breached = 1) {cond}
		group by {key}""",
		params,
		as_dict=True,
	)


def columns(grouping: str) -> list[dict]:
	return [
		{"fieldname": "key", "label": _(grouping), "fieldtype": "Data", "width": 200},
		{"fieldname": "agreement_type", "label": _("Agreement"), "fieldtype": "Data", "width": 90},
		{"fieldname": "measured", "label": _("Measured"), "fieldtype": "Int", "width": 100},
		{"fieldname": "met", "label": _("Met"), "fieldtype": "Int", "width": 90},
		{"fieldname": "missed", "label": _("Missed or Breached"), "fieldtype": "Int", "width": 150},
		{"fieldname": "compliance", "label": _("Compliance %"), "fieldtype": "Percent", "width": 120},
	]


def chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [f"{r['agreement_type']} {r['key'] or '-'}" for r in rows],
			"datasets": [{"name": _("Compliance %"), "values": [r["compliance"] or 0 for r in rows]}],
		},
		"type": "bar",
	}
