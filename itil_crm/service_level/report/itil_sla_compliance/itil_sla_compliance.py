"""SLA / OLA / UC compliance (R3) by priority, support group, supplier or month.

SLA rows come from the incidents' customer clock; OLA and UC rows from the legs, so the quality of
the whole chain can be read leg by leg. An incident counts when its clock is decided (Met or Missed)
or already Breached; a leg counts once it is closed or breached.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Function, Sum
from frappe.utils import add_days, getdate
from pypika.terms import ValueWrapper

from itil_crm.queries import permitted

# grouping -> the key of its rows, of the incidents' rows and of the legs' rows (None: no such rows)
GROUPINGS = {
	"Priority": (lambda inc: inc.priority, lambda inc, leg: inc.priority),
	"Support Group": (lambda inc: inc.support_group, lambda inc, leg: leg.support_group),
	"Supplier": (None, lambda inc, leg: leg.support_group),
	"Month": (lambda inc: _month(inc), lambda inc, leg: _month(inc)),
}


def _month(inc):
	"""The month an incident was opened, as YYYY-MM (the same expression where it is selected and grouped)."""
	return Function("LEFT", inc.opened_on, 7)


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


def _within_dates(query, inc, filters):
	"""``query`` restricted to the incidents opened between the filters' dates (both included)."""
	if filters.get("from_date"):
		query = query.where(inc.opened_on >= filters.from_date)
	if filters.get("to_date"):
		query = query.where(inc.opened_on < add_days(getdate(filters.to_date), 1))
	return query


def sla_rows(key, filters) -> list[dict]:
	inc = frappe.qb.DocType("ITIL Incident")
	grouped = key(inc)
	query = (
		frappe.qb.from_(inc)
		.select(
			grouped.as_("key"),
			ValueWrapper("SLA").as_("agreement_type"),
			Count("*").as_("measured"),
			Sum(inc.sla_status == "Met").as_("met"),
			Sum(inc.sla_status.isin(["Missed", "Breached"])).as_("missed"),
		)
		.where(inc.sla_status.isin(["Met", "Missed", "Breached"]))
		.groupby(grouped)
	)
	return permitted(_within_dates(query, inc, filters), "ITIL Incident").run(as_dict=True)


def leg_rows(key, kind: str, filters, external_only=False) -> list[dict]:
	inc = frappe.qb.DocType("ITIL Incident")
	leg = frappe.qb.DocType("ITIL Incident Leg")
	grouped = key(inc, leg)
	query = (
		frappe.qb.from_(leg)
		.join(inc)
		.on(inc.name == leg.incident)
		.select(
			grouped.as_("key"),
			ValueWrapper(kind).as_("agreement_type"),
			Count("*").as_("measured"),
			Sum(leg.breached == 0).as_("met"),
			Sum(leg.breached == 1).as_("missed"),
		)
		.where(leg.agreement_type == kind)
		.where((leg.outcome != "Open") | (leg.breached == 1))
		.groupby(grouped)
	)
	if external_only:
		query = query.where(leg.is_external == 1)
	return permitted(_within_dates(query, inc, filters), "ITIL Incident").run(as_dict=True)


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
