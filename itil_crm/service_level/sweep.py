"""The SLA sweep: a scheduled job that finds the clocks that crossed a threshold since the last run.

Set-based: one indexed query finds the incidents whose ``next_sla_check`` is due, one query loads
their event logs, one statement per 500 incidents writes the new SLA status back, one query finds
the OLA / UC legs past due and two statements mark them. Then the alerts (one per clock and incident:
the highest threshold crossed since the last run) are raised in bulk in the same transaction: the ITIL
SLA Alert rows and their hierarchical escalation rows, a few statements for any number of alerts; Frappe's
Notifications deliver them from a background job (itil_crm.service_level.sla_alerts). ``sla_notified``
remembers what was raised: a second run raises nothing, and a run that dies raised nothing.

What the sweep changed is announced to the app's listeners (hooks ``itil_sla_status_changed`` and
``itil_auto_escalation_due``): the ticket bridge shows the new SLA status on tickets, the service desk
escalates; the sweep itself knows neither.
"""

import time

import frappe
from frappe.utils import cint

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.service_level import site_time, sla_alerts
from itil_crm.service_level.agreements import auto_escalate_at, load_agreement
from itil_crm.service_level.bulk_records import update_records
from itil_crm.service_level.event_log import engine_events, events_of
from itil_crm.service_level.incident_clock import (
	clock_for,
	crossed_keys,
	join_keys,
	key_order,
	next_check,
	notified_keys,
)

BATCH = 5000


def run():
	"""Scheduler entry point (cron, every few minutes)."""
	run_sweep()


def run_sweep(now=None, batch: int = BATCH) -> dict:
	now = now or site_time.now()
	with site_time.frozen(now):  # escalations saved by the sweep see the sweep's time
		return _run(now, batch)


def _run(now, batch: int) -> dict:
	stats = {"incidents": 0, "alerts": 0, "legs": 0, "escalated": 0, "state_done_at": None}
	due = frappe.db.sql(
		f"""select name, subject, service_agreement, sla_notified, support_group, priority, status
		from `tabITIL Incident`
		where next_sla_check <= %(now)s and status in %(open)s
		order by next_sla_check
		limit {cint(batch)}
		for update skip locked""",
		{"now": site_time.naive(now), "open": OPEN_STATUSES},
		as_dict=True,
	)
	deliveries = _sweep_incidents(due, now, stats) if due else ([], [])
	leg_alerts = _sweep_legs(now, stats)
	stats["state_done_at"] = time.perf_counter()  # all state written; what follows sends alerts
	alerts, to_escalate = deliveries
	rows, escalations = [], []
	for inc, result, clock, threshold in alerts:
		row, escalation = _alert(inc, result, clock, threshold, now)
		rows.append(row)
		escalations.append(escalation)
	rows += [sla_alerts.leg_alert(leg, now) for leg in leg_alerts]
	sla_alerts.raise_alerts(rows, escalations, site_time.naive(now))
	stats["alerts"] = len(rows)
	for name, threshold in to_escalate:
		if announce("itil_auto_escalation_due", name, threshold):
			stats["escalated"] += 1
	return stats


def announce(hook: str, *args) -> bool:
	"""Tell the app's listeners (hooks.py) what the sweep did; whether any acted on it."""
	acted = False
	for method in frappe.get_hooks(hook):
		acted = bool(frappe.get_attr(method)(*args)) or acted
	return acted


def _sweep_incidents(due, now, stats):
	events = events_of([d.name for d in due])
	updates, alerts, to_escalate = {}, [], []
	for inc in due:
		result = clock_for(engine_events(events[inc.name]), inc.service_agreement, now)
		if result is None:
			updates[inc.name] = (inc.sla_notified, None, None, None, None)
			continue
		done = notified_keys(inc.sla_notified)
		new = crossed_keys(result) - done
		for clock in ("response", "resolution"):  # one alert per clock: the highest threshold crossed
			crossed = [key_order(k)[1] for k in new if k.startswith(clock + ":")]
			if crossed:
				alerts.append((inc, result, clock, max(crossed)))
		done |= new
		threshold = auto_escalate_at(inc.service_agreement)
		if threshold and "auto" not in done and result.resolution_elapsed >= _goal(inc, result, threshold):
			to_escalate.append((inc.name, threshold))
			done.add("auto")
		notified = join_keys(done)
		nxt = next_check(inc.service_agreement, inc.status, result, notified, now)
		updates[inc.name] = (
			notified,
			result.status,
			site_time.naive(nxt),
			result.response_elapsed,
			result.resolution_elapsed,
		)
	_write(updates)
	# tickets show their incident's SLA status (the ticket bridge listens)
	announce("itil_sla_status_changed", [name for name, values in updates.items() if values[1] is not None])
	stats["incidents"] += len(due)
	return alerts, to_escalate


def _goal(inc, result, percent: float) -> float:
	agreement = load_agreement(inc.service_agreement)
	target = agreement.targets.get(result.priority) if agreement else None
	if not target or not target.resolution_seconds:
		return float("inf")
	return target.resolution_seconds * percent / 100


def _write(updates: dict) -> None:
	"""Status, next check, notified thresholds and elapsed times, in one statement per 500 incidents (an
	incident without a clock keeps its status and elapsed times)."""
	columns = ("sla_notified", "sla_status", "next_sla_check", "response_elapsed", "resolution_elapsed")
	kept = {"sla_notified", "next_sla_check"}
	update_records(
		"ITIL Incident",
		{
			name: {c: v for c, v in zip(columns, values, strict=True) if values[1] is not None or c in kept}
			for name, values in updates.items()
		},
	)


def _alert(inc, result, clock: str, threshold: float, now) -> tuple[dict, dict]:
	"""An incident clock's alert and its hierarchical escalation row."""
	lead = sla_alerts.group_lead(inc.support_group)
	alert = {
		"incident": inc.name,
		"clock": "Response" if clock == "response" else "Resolution",
		"threshold": threshold,
		"level": "Breached" if threshold >= 100 else "Warning",
		"subject": (inc.subject or "")[:140],
		"priority": result.priority,
		"due_by": site_time.naive(result.response_by if clock == "response" else result.resolution_by),
		"alert_on": site_time.naive(now),
		"support_group": inc.support_group,
		"group_lead": lead,
	}
	escalation = {
		"incident": inc.name,
		"from_group": inc.support_group,
		"threshold": threshold,
		"reason": f"{clock} clock at {threshold:g} % of target",
		"notified": ", ".join(filter(None, [lead, "ITIL Service Level Manager"])),
		"escalated_on": site_time.naive(now),
	}
	return alert, escalation


def _sweep_legs(now, stats) -> list:
	"""OLA / UC legs past due: marked breached in two statements; the alerts of those never alerted are
	returned (once per leg: a leg whose target a priority change lengthened, and that overran the new one
	too, is marked breached again but not alerted again). Whatever marks a leg breached alerts it (this
	sweep, an incident's save, a calendar's re-timing): a breached leg is an alerted one."""
	legs = frappe.db.sql(
		"""select leg.name, leg.incident, leg.support_group, leg.due_by, leg.agreement_type,
			leg.breach_alerted, inc.priority, inc.sla_status, inc.subject
		from `tabITIL Incident Leg` leg
		join `tabITIL Incident` inc on inc.name = leg.incident
		where leg.outcome = 'Open' and leg.breached = 0 and leg.due_by <= %(now)s""",
		{"now": site_time.naive(now)},
		as_dict=True,
	)
	if not legs:
		return []
	# the legs still to mark, locked for this run: a sweep running at the same time took the others (its
	# marks are not committed yet) or has marked them (the plain read above may not see that yet)
	mine = set(
		frappe.db.sql_list(
			"""select name from `tabITIL Incident Leg` where name in %(names)s and breached = 0
			for update skip locked""",
			{"names": [leg.name for leg in legs]},
		)
	)
	legs = [leg for leg in legs if leg.name in mine]
	if not legs:
		return []
	frappe.db.sql(
		"update `tabITIL Incident Leg` set breached = 1, breach_alerted = 1 where name in %(names)s",
		{"names": [leg.name for leg in legs]},
	)
	culprits = [leg.name for leg in legs if leg.sla_status in ("Breached", "Missed")]
	if culprits:
		frappe.db.sql(
			"update `tabITIL Incident Leg` set caused_sla_breach = 1 where name in %(names)s",
			{"names": culprits},
		)
	stats["legs"] += len(legs)
	return [leg for leg in legs if not leg.breach_alerted]
