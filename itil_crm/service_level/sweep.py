"""The SLA sweep: a scheduled job that finds the clocks that crossed a threshold since the last run.

Set-based: one indexed query finds the incidents whose ``next_sla_check`` is due, one query loads
their event logs, one statement per 500 incidents writes the new SLA status back, one query finds
the OLA / UC legs past due and two statements mark them. Then the alerts (one per clock and incident:
the highest threshold crossed since the last run) are raised in bulk in the same transaction: the ITIL
SLA Alert rows, their hierarchical escalation rows and their in-app notifications (as the Frappe
Notifications on ITIL SLA Alert say), a few statements for any number of alerts; emails follow from a
background job (itil_crm.service_level.alert_delivery). ``sla_notified`` remembers what was sent: a
second run sends nothing, and a run that dies sent nothing.
"""

import time
from collections import defaultdict

import frappe
from frappe.utils import cint

from itil_crm.service_desk.ticket_bridge import follow_sla_status
from itil_crm.service_level import alert_delivery
from itil_crm.service_level import time as T
from itil_crm.service_level.agreements import auto_escalate_at, load_agreement
from itil_crm.service_level.incident_clock import (
	OPEN_STATUSES,
	clock_for,
	crossed_keys,
	engine_events,
	join_keys,
	key_order,
	next_check,
	notified_keys,
)

BATCH = 5000
UPDATE_CHUNK = 500


def run():
	"""Scheduler entry point (cron, every few minutes)."""
	run_sweep()


def run_sweep(now=None, batch: int = BATCH) -> dict:
	now = now or T.now()
	with T.frozen(now):  # escalations saved by the sweep see the sweep's time
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
		{"now": T.naive(now), "open": OPEN_STATUSES},
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
	rows += [leg_alert(leg, now) for leg in leg_alerts]
	alert_delivery.raise_alerts(rows, escalations, T.naive(now))
	stats["alerts"] = len(rows)
	for name, threshold in to_escalate:
		if _auto_escalate(name, threshold):
			stats["escalated"] += 1
	return stats


def _sweep_incidents(due, now, stats):
	names = [d.name for d in due]
	rows = frappe.db.sql(
		"""select parent, event_type, at, value from `tabITIL SLA Event`
		where parenttype = 'ITIL Incident' and parent in %(names)s
		order by parent, idx""",
		{"names": names},
		as_dict=True,
	)
	events = defaultdict(list)
	for r in rows:
		events[r.parent].append(r)
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
			T.naive(nxt),
			result.response_elapsed,
			result.resolution_elapsed,
		)
	_write(updates)
	# tickets show their incident's SLA status (one statement per ticketing app, only what differs)
	follow_sla_status([name for name, values in updates.items() if values[1] is not None])
	stats["incidents"] += len(due)
	return alerts, to_escalate


def _goal(inc, result, percent: float) -> float:
	agreement = load_agreement(inc.service_agreement)
	target = agreement.targets.get(result.priority) if agreement else None
	if not target or not target.resolution_seconds:
		return float("inf")
	return target.resolution_seconds * percent / 100


def _write(updates: dict) -> None:
	"""One UPDATE ... CASE statement per chunk: status, next check, notified thresholds, elapsed."""
	items = list(updates.items())
	columns = ("sla_notified", "sla_status", "next_sla_check", "response_elapsed", "resolution_elapsed")
	for start in range(0, len(items), UPDATE_CHUNK):
		chunk = items[start : start + UPDATE_CHUNK]
		sets, params = [], {}
		for c, column in enumerate(columns):
			cases = []
			for i, (name, values) in enumerate(chunk):
				if column in ("sla_status", "response_elapsed", "resolution_elapsed") and values[1] is None:
					continue
				params[f"n{i}"] = name
				params[f"v{c}_{i}"] = values[c]
				cases.append(f"when %(n{i})s then %(v{c}_{i})s")
			if cases:
				sets.append(f"`{column}` = case name {' '.join(cases)} else `{column}` end")
		params["names"] = [name for name, _v in chunk]
		frappe.db.sql(
			f"update `tabITIL Incident` set {', '.join(sets)} where name in %(names)s",
			params,
		)


def _recipients(group: str | None):
	if not group:
		return None
	return frappe.get_cached_value("ITIL Support Group", group, "group_lead")


def _alert(inc, result, clock: str, threshold: float, now) -> tuple[dict, dict]:
	"""An incident clock's alert and its hierarchical escalation row."""
	lead = _recipients(inc.support_group)
	alert = {
		"incident": inc.name,
		"clock": "Response" if clock == "response" else "Resolution",
		"threshold": threshold,
		"level": "Breached" if threshold >= 100 else "Warning",
		"subject": (inc.subject or "")[:140],
		"priority": result.priority,
		"due_by": T.naive(result.response_by if clock == "response" else result.resolution_by),
		"alert_on": T.naive(now),
		"support_group": inc.support_group,
		"group_lead": lead,
	}
	escalation = {
		"parent": inc.name,
		"from_group": inc.support_group,
		"threshold": threshold,
		"reason": f"{clock} clock at {threshold:g} % of target",
		"notified": ", ".join(filter(None, [lead, "ITIL Service Level Manager"])),
		"escalated_on": T.naive(now),
	}
	return alert, escalation


def _sweep_legs(now, stats) -> list:
	"""OLA / UC legs past due: marked breached in two statements; their alerts are returned."""
	legs = frappe.db.sql(
		"""select leg.name, leg.parent, leg.support_group, leg.due_by, leg.agreement_type,
			inc.priority, inc.sla_status, inc.subject
		from `tabITIL Incident Leg` leg
		join `tabITIL Incident` inc on inc.name = leg.parent
		where leg.parenttype = 'ITIL Incident' and leg.outcome = 'Open' and leg.breached = 0
			and leg.due_by <= %(now)s""",
		{"now": T.naive(now)},
		as_dict=True,
	)
	if not legs:
		return []
	# the legs still unmarked, locked for this run: a sweep running at the same time took the others (its
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
		"update `tabITIL Incident Leg` set breached = 1 where name in %(names)s",
		{"names": [leg.name for leg in legs]},
	)
	culprits = [leg.name for leg in legs if leg.sla_status in ("Breached", "Missed")]
	if culprits:
		frappe.db.sql(
			"update `tabITIL Incident Leg` set caused_sla_breach = 1 where name in %(names)s",
			{"names": culprits},
		)
	stats["legs"] += len(legs)
	return legs


def leg_alert(leg, now) -> dict:
	return {
		"incident": leg.parent,
		"clock": leg.agreement_type if leg.agreement_type in ("OLA", "UC") else "OLA",
		"threshold": 100,
		"level": "Breached",
		"subject": (leg.subject or "")[:140],
		"priority": leg.priority,
		"due_by": leg.due_by,
		"alert_on": T.naive(now),
		"support_group": leg.support_group,
		"group_lead": _recipients(leg.support_group),
	}


def _auto_escalate(name: str, threshold: float) -> bool:
	from itil_crm.service_desk.escalation import escalate, next_group

	doc = frappe.get_doc("ITIL Incident", name)
	if not next_group(doc.support_group) or doc.status not in OPEN_STATUSES:
		return False
	escalate(
		doc, reason=f"resolution clock at {threshold:g} % of target", trigger="Automatic", threshold=threshold
	)
	return True
