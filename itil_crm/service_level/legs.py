"""OLA / UC legs (R3): each assignment of an incident to a support group is a leg, timed against that
group's agreement (an OLA for an internal group, a UC for an external supplier), closed when the
incident leaves the group or is resolved. A breach of the customer SLA is attributed to the legs
that overran their own targets."""

import frappe

from itil_crm.engines.sla_clock import Event, compute_clock
from itil_crm.service_level import child_rows
from itil_crm.service_level import time as T
from itil_crm.service_level.agreements import load_agreement
from itil_crm.service_level.incident_clock import OPEN_STATUSES, engine_events


def open_leg(doc):
	return next((leg for leg in child_rows.rows(doc, child_rows.LEGS) if leg.outcome == "Open"), None)


def _group(name: str):
	return frappe.get_cached_value(
		"ITIL Support Group", name, ["tier", "is_external", "service_agreement"], as_dict=True
	)


def update_legs(doc, now) -> None:
	current = open_leg(doc)
	if current and (current.support_group != doc.support_group or doc.status not in OPEN_STATUSES):
		if doc.status == "Resolved" or doc.status == "Closed":
			outcome = "Resolved"
		elif doc.status == "Cancelled":
			outcome = "Cancelled"
		else:
			new_tier = _group(doc.support_group).tier if doc.support_group else 0
			outcome = "Escalated" if new_tier > (current.tier or 0) else "Reassigned"
		current.outcome, current.released_on = outcome, T.naive(now)
		current = None
	if not current and doc.support_group and doc.status in OPEN_STATUSES:
		group = _group(doc.support_group)
		agreement_type = (
			frappe.get_cached_value("ITIL Service Agreement", group.service_agreement, "agreement_type")
			if group.service_agreement
			else None
		)
		child_rows.add(
			doc,
			child_rows.LEGS,
			{
				"support_group": doc.support_group,
				"tier": group.tier,
				"is_external": group.is_external,
				"service_agreement": group.service_agreement,
				"agreement_type": agreement_type,
				"assigned_on": T.naive(now),
				"outcome": "Open",
			},
		)
	time_legs(doc, now)


def leg_events(leg, incident_events: list[Event], priority: str | None) -> list[Event]:
	start, end = T.aware(leg.assigned_on), T.aware(leg.released_on)
	events = [Event(start, "opened"), Event(start, "priority", priority)]
	status = None
	for e in incident_events:
		if e.kind != "status":
			continue
		if e.at <= start:
			status = e.value
		elif end is None or e.at < end:
			events.append(e)
	if status:
		events.insert(1, Event(start, "status", status))
	if end is not None:
		events.append(Event(end, "resolved"))
	return events


def time_legs(doc, now) -> None:
	"""Elapsed, due date and breach of every leg, from the incident's event log."""
	incident_events = engine_events(child_rows.rows(doc, child_rows.EVENTS))
	sla_breached = doc.sla_status in ("Breached", "Missed")
	legs = child_rows.rows(doc, child_rows.LEGS)
	stored = _stored_marks(doc)
	for leg in legs:
		agreement = load_agreement(leg.service_agreement)
		target = agreement.targets.get(doc.priority) if agreement else None
		if not agreement or target is None:
			leg.update({"target_seconds": 0, "elapsed_seconds": 0, "due_by": None, "breached": 0})
			leg.caused_sla_breach = 0
			continue
		result = compute_clock(agreement, leg_events(leg, incident_events, doc.priority), now)
		leg.target_seconds = target.resolution_seconds
		leg.elapsed_seconds = result.resolution_elapsed
		leg.due_by = T.naive(result.resolution_by)
		leg.breached = int(
			bool(target.resolution_seconds) and result.resolution_elapsed > target.resolution_seconds
		)
		leg.caused_sla_breach = int(sla_breached and leg.breached)
	# the breaches this save records first: the sweep alerts only the legs it finds unmarked, so a save in
	# between (an update, an escalation, a resolution after the due time) alerts them (alert_breaches)
	doc.flags.leg_breaches = [leg for leg in legs if leg.breached and not stored.get(leg.name, 1)]


def _stored_marks(doc) -> dict:
	"""The stored breach mark of each leg, as Frappe read it for this save with the rows locked
	(load_doc_before_save, for update): a sweep marking them at that moment is waited for, and it alerted
	them if it committed, not if it rolled back. Every breach is alerted once."""
	if doc.is_new() or frappe.flags.in_import:
		return {}
	before = doc.get_doc_before_save()
	return {row.name: row.breached for row in before.get(child_rows.LEGS)} if before else {}


def alert_breaches(doc, method=None) -> None:
	"""ITIL Incident on_update: the OLA / UC breaches this save recorded first, alerted as the sweep
	alerts them (one Breached alert per leg, to the group's lead)."""
	legs = doc.flags.leg_breaches
	if not legs:
		return
	from itil_crm.service_level import alert_delivery
	from itil_crm.service_level.sweep import leg_alert

	doc.flags.leg_breaches = []
	now = T.now()
	rows = [
		leg_alert(
			frappe._dict(
				parent=doc.name,
				agreement_type=leg.agreement_type,
				subject=doc.subject,
				priority=doc.priority,
				due_by=leg.due_by,
				support_group=leg.support_group,
			),
			now,
		)
		for leg in legs
	]
	alert_delivery.raise_alerts(rows, [], T.naive(now))
