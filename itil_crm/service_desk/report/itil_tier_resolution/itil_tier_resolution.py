"""Per-tier and per-group resolution rate against the target of ITIL Settings (R2: each level should
resolve 80 % of the requests that reach it)."""

import frappe
from frappe import _
from frappe.utils import add_days, today

from itil_crm.engines.tier_metrics import tier_rates
from itil_crm.service_desk.tier_alerts import legs_since


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
		for r in tier_rates(legs_since(since), target)
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
