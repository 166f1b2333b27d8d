"""Per-tier and per-group resolution rate against the target of ITIL Settings (R2: each level should
resolve 80 % of the requests that reach it).

Counted by the database (issue 23: the legs of 100,000 incidents were read into Python): each incident
once per tier (the workspace chart's query) and once per tier and group, in two grouped queries; the
rates are engines.tier_metrics' rule over those counts."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Max, Sum
from frappe.utils import add_days, getdate, today

from itil_crm.engines.tier_metrics import rates_from_counts
from itil_crm.service_desk.workspace_charts import tier_totals


def execute(filters=None):
	filters = frappe._dict(filters or {})
	settings = frappe.get_cached_doc("ITIL Settings")
	target = float(filters.get("target") or settings.tier_resolution_target or 80)
	since = filters.get("from_date") or add_days(today(), -(settings.tier_alert_window_days or 30))
	data = [
		{
			"tier": r.tier,
			"support_group": r.group or _("All groups"),
			"received": r.received,
			"resolved": r.resolved,
			"rate": r.rate,
			"target": r.target,
			"below_target": int(r.below_target),
			"indent": 1 if r.group else 0,
		}
		for r in rates_from_counts(counts_since(getdate(since)), target)
	]
	columns = [
		{"fieldname": "tier", "label": _("Tier"), "fieldtype": "Int", "width": 70},
		{"fieldname": "support_group", "label": _("Support Group"), "fieldtype": "Data", "width": 220},
		{"fieldname": "received", "label": _("Received"), "fieldtype": "Int", "width": 100},
		{"fieldname": "resolved", "label": _("Resolved at Tier"), "fieldtype": "Int", "width": 130},
		{"fieldname": "rate", "label": _("Rate %"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "target", "label": _("Target %"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "below_target", "label": _("Below Target"), "fieldtype": "Check", "width": 110},
	]
	return columns, data


def counts_since(since) -> dict[tuple[int, str | None], tuple[int, int]]:
	"""(tier, group or None) -> (incidents received, resolved there), over the legs assigned since
	`since`, but those of a cancelled incident (tier_alerts.legs_since's legs)."""
	leg = frappe.qb.DocType("ITIL Incident Leg")
	per_incident = (
		frappe.qb.from_(leg)
		.select(
			leg.tier, leg.support_group, leg.incident, Max(leg.outcome == "Resolved").as_("resolved_here")
		)
		.where((leg.assigned_on >= since) & (leg.outcome != "Cancelled"))
		.groupby(leg.tier, leg.support_group, leg.incident)
	).as_("per_incident")
	per_group = (
		frappe.qb.from_(per_incident)
		.select(
			per_incident.tier,
			per_incident.support_group,
			Count("*").as_("received"),
			Sum(per_incident.resolved_here).as_("resolved"),
		)
		.groupby(per_incident.tier, per_incident.support_group)
	).run(as_dict=True)
	counts = {(r.tier or 0, None): (r.received, int(r.resolved or 0)) for r in tier_totals(since)}
	counts.update({(r.tier or 0, r.support_group): (r.received, int(r.resolved or 0)) for r in per_group})
	return counts
