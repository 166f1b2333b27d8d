"""Deadlines follow their calendar: when an admin adds a holiday, changes working hours or the zone of a
service calendar, or changes an agreement's targets, calendar or pause rule, every open incident timed by it
(its SLA, or an OLA / UC leg) is re-timed at once, not at its next save: the list, the countdown, the at-risk
card and the sweep see the new deadlines.

Re-timing computes exactly what a save would (the clock from the incident's event log, its legs), set-based:
one locked read of the incidents, one of their event logs, one of their legs, one statement per 500 records
for what moved, one for the timeline lines. Idempotent: a second run finds nothing that moved and writes
nothing. A few hundred incidents are re-timed in the admin's own transaction (the change and its effect
commit together); more in a background job after the commit, a batch per transaction.
"""

import frappe
from frappe import _
from frappe.utils import format_datetime

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.service_level import legs as incident_legs
from itil_crm.service_level import site_time, sla_alerts
from itil_crm.service_level.bulk_records import insert_records, update_records
from itil_crm.service_level.event_log import engine_events, events_of
from itil_crm.service_level.incident_clock import CLOCK_FIELDS, clock_for, clock_values

INCIDENT = "ITIL Incident"
LEG = "ITIL Incident Leg"
INLINE = 200  # incidents re-timed in the transaction of the change; more go to a background job
BATCH = 500


def calendar_timing(doc) -> tuple:
	"""What of a service calendar decides a deadline."""
	return (
		doc.timezone,
		bool(doc.is_24x7),
		sorted(
			(row.weekday, str(row.start_time), str(row.end_time)) for row in doc.get("working_hours") or []
		),
		sorted(str(row.holiday_date) for row in doc.get("holidays") or []),
	)


def agreement_timing(doc) -> tuple:
	"""What of an agreement decides a deadline (its scope decides who gets it: a save re-selects)."""
	return (
		doc.service_calendar,
		bool(doc.pause_on_hold),
		doc.warning_thresholds,
		sorted(
			(row.priority, float(row.response_time or 0), float(row.resolution_time or 0))
			for row in doc.get("targets") or []
		),
	)


def on_calendar_change(doc) -> int:
	"""ITIL Service Calendar saved: the incidents of every agreement on it, if its timing changed."""
	before = doc.get_doc_before_save()
	if before is None or calendar_timing(before) == calendar_timing(doc):
		return 0
	doc.clear_cache()  # Frappe clears it after on_update: the clocks must read the calendar as saved
	agreements = frappe.get_all(
		"ITIL Service Agreement", filters={"service_calendar": doc.name}, pluck="name"
	)
	return retime_for(agreements, _("service calendar {0} changed").format(doc.name))


def on_agreement_change(doc) -> int:
	"""ITIL Service Agreement saved: its incidents, if its timing changed."""
	before = doc.get_doc_before_save()
	if before is None or agreement_timing(before) == agreement_timing(doc):
		return 0
	doc.clear_cache()  # as for a calendar
	return retime_for([doc.name], _("service agreement {0} changed").format(doc.name))


def affected(agreements: list[str]) -> list[str]:
	"""Open incidents timed by these agreements: their SLA, or one of their legs' OLA / UC."""
	if not agreements:
		return []
	inc, leg = frappe.qb.DocType(INCIDENT), frappe.qb.DocType(LEG)
	direct = (
		frappe.qb.from_(inc)
		.select(inc.name)
		.where(inc.status.isin(OPEN_STATUSES) & inc.service_agreement.isin(agreements))
	).run(pluck=True)
	by_legs = (
		frappe.qb.from_(inc)
		.join(leg)
		.on(leg.incident == inc.name)
		.select(inc.name)
		.distinct()
		.where(inc.status.isin(OPEN_STATUSES) & leg.service_agreement.isin(agreements))
	).run(pluck=True)
	return sorted(set(direct) | set(by_legs))


def retime_for(agreements: list[str], reason: str) -> int:
	"""Re-time the open incidents of these agreements: now when they are few, else after the commit in a
	background job. How many were re-timed now."""
	names = affected(agreements)
	if len(names) <= INLINE:
		return retime(names, reason)
	frappe.enqueue(
		"itil_crm.service_level.retiming.retime_job",
		queue="long",
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		agreements=agreements,
		reason=reason,
	)
	frappe.msgprint(
		_("{0} open incidents are being re-timed in the background.").format(len(names)),
		alert=True,
	)
	return 0


def retime_job(agreements: list[str], reason: str) -> int:
	"""The background job: the incidents open when it runs, a batch per transaction (a job killed half-way
	leaves whole batches re-timed; running it again re-times the rest and changes nothing in the others)."""
	names = affected(agreements)
	moved = 0
	for start in range(0, len(names), BATCH):
		moved += retime(names[start : start + BATCH], reason)
		if not frappe.flags.in_test:
			frappe.db.commit()
	return moved


def retime(names: list[str], reason: str, now=None) -> int:
	"""Re-time these incidents; how many had a deadline move."""
	now = now or site_time.now()
	moved = 0
	for start in range(0, len(names), BATCH):
		moved += _retime_batch(names[start : start + BATCH], reason, now)
	return moved


def _retime_batch(names: list[str], reason: str, now) -> int:
	if not names:
		return 0
	inc = frappe.qb.DocType(INCIDENT)
	# locked as a save locks them: a save under way finishes first, one that starts now waits for this
	incidents = (
		frappe.qb.from_(inc)
		.select(
			inc.name,
			inc.status,
			inc.priority,
			inc.subject,
			inc.service_agreement,
			inc.sla_notified,
			*(inc[f] for f in CLOCK_FIELDS),
		)
		.where(inc.name.isin(names) & inc.status.isin(OPEN_STATUSES))
		.for_update()
	).run(as_dict=True)
	if not incidents:
		return 0
	events = events_of([i.name for i in incidents])
	legs = _legs_of([i.name for i in incidents])
	incident_updates, leg_updates, comments, breaches, status_changed, skipped = {}, {}, [], [], [], []
	for incident in incidents:
		log = engine_events(events.get(incident.name, []))
		try:
			result = clock_for(log, incident.service_agreement, now)
		except ValueError:
			# a clock that cannot be computed (its opening is ahead of now: the system zone just changed
			# under naive stored times) is left as it is: the change that re-times it never fails for it
			skipped.append(incident.name)
			continue
		values = clock_values(
			incident.service_agreement,
			incident.status,
			result,
			incident.sla_notified,
			now,
			incident.first_responded_on,
		)
		changed = {f: v for f, v in values.items() if incident_legs.differs(incident[f], v)}
		if any(_moved(f, incident[f], values[f], now) for f in changed):
			incident_updates[incident.name] = changed  # elapsed times too, as of now
		if "sla_status" in changed:
			status_changed.append(incident.name)
		moves = [
			(label, incident[f], values[f])
			for f, label in (("response_by", _("response")), ("resolution_by", _("resolution")))
			if incident_legs.differs(incident[f], values[f])
		]
		mine = legs.get(incident.name, [])
		before = {leg.name: {f: leg[f] for f in incident_legs.MOVING} for leg in mine}
		incident_legs.time_legs(
			frappe._dict(sla_status=values["sla_status"], priority=incident.priority), mine, log, now
		)
		for leg in mine:
			was = before[leg.name]
			if leg.outcome == "Open" and leg.breached and not was["breached"] and not leg.breach_alerted:
				leg.breach_alerted = 1  # alerted here, as a save alerts the breach it records first
				breaches.append(sla_alerts.incident_leg_alert(incident, leg, now))
			changed = {f: leg[f] for f in incident_legs.MOVING if incident_legs.differs(leg[f], was[f])}
			if any(_moved(f, was[f], leg[f], now) for f in changed):
				leg_updates[leg.name] = changed
			if "due_by" in changed and leg.outcome == "Open":
				moves.append((_("{0} leg").format(leg.support_group), was["due_by"], leg.due_by))
		if moves:
			comments.append(_comment(incident.name, reason, moves))
	if skipped:
		frappe.log_error(
			title=_("Deadlines not re-timed for {0} incidents").format(len(skipped)),
			message=_("Their clocks could not be computed ({0}): {1}").format(reason, ", ".join(skipped)),
			reference_doctype=INCIDENT,
		)
	update_records(INCIDENT, incident_updates)
	update_records(LEG, leg_updates)
	insert_records(
		"Comment",
		("comment_type", "reference_doctype", "reference_name", "content", "comment_email", "comment_by"),
		comments,
		site_time.naive(now),
	)
	sla_alerts.raise_alerts(breaches, [], site_time.naive(now))
	if status_changed:
		from itil_crm.service_level.sweep import announce

		announce("itil_sla_status_changed", status_changed)  # tickets show their incident's SLA status
	return len(comments)


ELAPSED = {"response_elapsed", "resolution_elapsed", "paused_seconds", "elapsed_seconds"}


def _moved(field: str, old, new, now) -> bool:
	"""A change that is not time passing: elapsed times grow by themselves, and a check already due stays
	due (re-running changes nothing)."""
	if field in ELAPSED:
		return False
	if field == "next_sla_check" and old and new:
		due = site_time.naive(now)
		return not (frappe.utils.get_datetime(old) <= due and frappe.utils.get_datetime(new) <= due)
	return True


def _legs_of(incidents: list[str]) -> dict[str, list]:
	rows = frappe.get_all(
		LEG,
		filters={"incident": ["in", incidents]},
		fields=["name", "incident", "idx", *incident_legs.FIELDS],
		order_by="idx asc",
	)
	found: dict[str, list] = {}
	for row in rows:
		found.setdefault(row.incident, []).append(row)
	return found


def _when(value) -> str:
	return format_datetime(value) if value else _("none")


def _comment(incident: str, reason: str, moves: list) -> dict:
	zone = site_time.system_zone().key
	lines = "; ".join(
		_("{0} due {1}, was {2}").format(label, _when(new), _when(old)) for label, old, new in moves
	)
	user = frappe.session.user
	return {
		"comment_type": "Info",
		"reference_doctype": INCIDENT,
		"reference_name": incident,
		"content": _("Deadlines re-timed, {0}: {1} ({2}).").format(reason, lines, zone),
		"comment_email": user,
		"comment_by": frappe.utils.get_fullname(user),
	}
