"""An incident's SLA clock, recomputed on every save from its event log (service_level.event_log).

The log records what the clock needs: opened, responded, status changes (pauses), priority and
agreement changes, resolved, reopened, closed. The clock itself is a pure function of that log
(itil_crm.engines.sla_clock); nothing is accumulated save after save.
"""

import frappe
from frappe import _

from itil_crm.engines.business_time import add_business_seconds
from itil_crm.engines.lifecycle import OPEN_STATUSES, RESPONDED_STATUSES
from itil_crm.engines.sla_clock import ClockResult, Event, compute_clock
from itil_crm.service_level import site_time
from itil_crm.service_level.agreements import load_agreement
from itil_crm.service_level.event_log import EventLog
from itil_crm.service_level.selection import select_for


def record_changes(doc, log: EventLog, previous_status: str | None, now, first_response=None) -> None:
	"""Append to the log the events this save brings, and (re)select the agreement when its inputs
	changed. ``first_response``: (when, what) of a first reply to the caller made outside the form."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	if not log.rows:
		log.add("opened", site_time.aware(doc.opened_on) or now)
	if doc.is_new() or _selection_inputs(before) != _selection_inputs(doc) or not doc.service_agreement:
		selection = select_for(doc)
		if selection.agreement != doc.service_agreement or not doc.agreement_reason:
			if doc.service_agreement and selection.agreement != doc.service_agreement:
				doc.add_comment(
					"Info",
					_("Service agreement changed from {0} to {1}: {2}").format(
						doc.service_agreement, selection.agreement or _("none"), selection.reason
					),
				)
			if selection.agreement != doc.service_agreement or doc.is_new():
				log.add("agreement", now, selection.agreement, selection.reason)
			doc.service_agreement = selection.agreement
			doc.agreement_reason = selection.reason
	if doc.priority and (before is None or before.priority != doc.priority):
		log.add("priority", now, doc.priority)
	if first_response and not log.has("responded"):
		record_response(doc, log, *first_response)
	if previous_status != doc.status and (previous_status or doc.status != "New"):
		log.add("status", now, doc.status)
		if doc.status in RESPONDED_STATUSES and not log.has("responded"):
			record_response(doc, log, now)
		if doc.status == "Resolved":
			log.add("resolved", now)
		elif previous_status == "Resolved" and doc.status in OPEN_STATUSES:
			log.add("reopened", now)
		if doc.status in ("Closed", "Cancelled"):
			log.add("closed", now, doc.status)


def _selection_inputs(doc):
	return (doc.customer_type, doc.customer) if doc else None


def record_response(doc, log: EventLog, at, note: str | None = None) -> None:
	log.add("responded", at, note=note)
	doc.first_responded_on = site_time.naive(site_time.aware(at))


def clock_for(events: list[Event], agreement_name: str | None, now) -> ClockResult | None:
	"""The clock of an event log under its current agreement (and any it had before), or None."""
	names = {e.value for e in events if e.kind == "agreement" and e.value} | {agreement_name}
	agreements = {n: a for n in names if n and (a := load_agreement(n))}
	if not agreement_name or not agreements or not events:
		return None
	return compute_clock(agreements, events, now)


def compute(doc, log: EventLog, now) -> ClockResult | None:
	return clock_for(log.events(), doc.service_agreement, now)


def apply(doc, result: ClockResult | None, now) -> None:
	"""Store the clock on the incident, and when the sweep should look at it next."""
	# what was notified is the sweep's record, never a client's: a value sent with a new incident or a save
	# could silence its alerts. A stored incident keeps what the database holds (the sweep may have sent
	# alerts since this form was loaded; read by this save, the row locked until it commits).
	if doc.is_new():
		if not frappe.flags.in_import:
			doc.sla_notified = None
	else:
		before = doc.get_doc_before_save()
		doc.sla_notified = (
			before.sla_notified if before else frappe.db.get_value(doc.doctype, doc.name, "sla_notified")
		)
	doc.update(
		clock_values(doc.service_agreement, doc.status, result, doc.sla_notified, now, doc.first_responded_on)
	)


CLOCK_FIELDS = (
	"sla_status",
	"response_by",
	"resolution_by",
	"response_elapsed",
	"resolution_elapsed",
	"paused_seconds",
	"first_responded_on",
	"next_sla_check",
)


def clock_values(
	agreement_name: str | None,
	status: str,
	result: ClockResult | None,
	notified,
	now,
	first_responded_on=None,
) -> dict:
	"""What an incident stores of its clock (CLOCK_FIELDS), as naive datetimes in the system zone."""
	if result is None:
		return {
			"sla_status": "",
			"response_by": None,
			"resolution_by": None,
			"response_elapsed": 0,
			"resolution_elapsed": 0,
			"paused_seconds": 0,
			"first_responded_on": first_responded_on,
			"next_sla_check": None,
		}
	return {
		"sla_status": result.status,
		"response_by": site_time.naive(result.response_by),
		"resolution_by": site_time.naive(result.resolution_by),
		"response_elapsed": result.response_elapsed,
		"resolution_elapsed": result.resolution_elapsed,
		"paused_seconds": result.paused_seconds,
		"first_responded_on": site_time.naive(result.responded_on)
		if result.responded_on
		else first_responded_on,
		"next_sla_check": site_time.naive(next_check(agreement_name, status, result, notified, now)),
	}


def notified_keys(text: str | None) -> set[str]:
	return {k for k in (text or "").split(",") if k}


def key_order(key: str) -> tuple[str, float]:
	"""Sort "resolution:50" before "resolution:100" (clock, then threshold as a number)."""
	clock, _sep, value = key.partition(":")
	return (clock, float(value) if value else 0.0)


def join_keys(keys: set[str]) -> str:
	return ",".join(sorted(keys, key=key_order))


def crossed_keys(result: ClockResult) -> set[str]:
	keys = {f"response:{t:g}" for t in result.response_thresholds}
	keys |= {f"resolution:{t:g}" for t in result.resolution_thresholds}
	return keys


def next_check(agreement_name: str | None, status: str, result: ClockResult, notified: str | None, now):
	"""The earliest instant at which a threshold not yet notified is (or will be) crossed.

	Already crossed but not yet notified: ``now`` (the next sweep sends it). Paused or stopped clocks
	cross nothing more until a save changes them, so they need no check."""
	if status not in OPEN_STATUSES:
		return None
	done = notified_keys(notified)
	if crossed_keys(result) - done:
		return now
	if result.status == "Paused":
		return None
	agreement = load_agreement(agreement_name)
	target = agreement.targets.get(result.priority) if agreement else None
	if target is None:
		return None
	upcoming = []
	for clock, elapsed, goal, running in (
		("response", result.response_elapsed, target.response_seconds, result.responded_on is None),
		("resolution", result.resolution_elapsed, target.resolution_seconds, True),
	):
		if not running or not goal:
			continue
		for t in sorted(set(agreement.thresholds) | {100.0}):
			if f"{clock}:{t:g}" in done:
				continue
			remaining = goal * t / 100 - elapsed
			if remaining > 0:
				upcoming.append(add_business_seconds(agreement.calendar, now, remaining))
				break
	return min(upcoming) if upcoming else None


def refresh(doc, log: EventLog, previous_status: str | None, now, first_response=None) -> ClockResult | None:
	"""The clock step of an incident's save: log what changed, recompute, store on the incident."""
	record_changes(doc, log, previous_status, now, first_response)
	result = compute(doc, log, now)
	apply(doc, result, now)
	return result
