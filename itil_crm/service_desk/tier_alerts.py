"""Daily check of R2: alert the service level managers when a tier stays below its resolution target
over the window set in ITIL Settings. One alert per tier and day, however often it runs."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from itil_crm.engines.tier_metrics import Leg, tier_rates
from itil_crm.notifications import alert


def legs_since(since) -> list[Leg]:
	"""The legs that reached a tier since ``since`` (a leg starts when its group is assigned), but
	those of a cancelled incident."""
	rows = frappe.get_all(
		"ITIL Incident Leg",
		filters={"assigned_on": [">=", since], "outcome": ["!=", "Cancelled"]},
		fields=["incident", "support_group", "tier", "outcome"],
	)
	return [Leg(r.incident, r.support_group, r.tier or 0, r.outcome == "Resolved") for r in rows]


def run():
	settings = frappe.get_cached_doc("ITIL Settings")
	window = settings.tier_alert_window_days or 30
	target = settings.tier_resolution_target or 80
	rates = [r for r in tier_rates(legs_since(add_days(today(), -window)), target) if r.group is None]
	managers = _managers()
	sent = 0
	for rate in rates:
		if not rate.below_target:
			continue
		subject = _(
			"Tier {0} resolved {1} % of the {2} requests that reached it over {3} days (target {4} %)"
		).format(rate.tier, rate.rate, rate.received, window, target)
		for user in managers:
			if _already_sent_today(user, rate.tier):
				continue
			sent += alert([user], "ITIL Settings", f"tier-{rate.tier}", subject)
	return sent


def _managers() -> list[str]:
	return frappe.get_all(
		"Has Role",
		filters={
			"role": "ITIL Service Level Manager",
			"parenttype": "User",
			"parent": ["not in", ["Administrator", "Guest"]],
		},
		pluck="parent",
		distinct=True,
	)


def _already_sent_today(user: str, tier: int) -> bool:
	return bool(
		frappe.db.exists(
			"Notification Log",
			{
				"for_user": user,
				"document_type": "ITIL Settings",
				"document_name": f"tier-{tier}",
				"creation": [">=", getdate(today())],
			},
		)
	)
