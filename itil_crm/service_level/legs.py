"""OLA / UC legs (R3): each assignment of an incident to a support group is a leg, timed against that
group's agreement (an OLA for an internal group, a UC for an external supplier), closed when the
incident leaves the group or is resolved. A breach of the customer SLA is attributed to the legs
that overran their own targets.

Legs are their own doctype (ITIL Incident Leg), linked to the incident: the incident's save reads them
once, opens and closes them and re-times them, and writes what changed (new legs in one statement, a
changed leg by its name); the SLA sweep marks the ones that ran past due. No save deletes a leg.
"""

import frappe

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.engines.sla_clock import Event, compute_clock
from itil_crm.service_level import site_time
from itil_crm.service_level.agreements import load_agreement
from itil_crm.service_level.bulk_records import insert_records

DOCTYPE = "ITIL Incident Leg"
# what a save may change on a stored leg
MOVING = (
	"released_on",
	"outcome",
	"target_seconds",
	"elapsed_seconds",
	"due_by",
	"breached",
	"caused_sla_breach",
	"breach_alerted",
)
FIELDS = (
	"support_group",
	"tier",
	"is_external",
	"service_agreement",
	"agreement_type",
	"assigned_on",
	"supplier_reference",
	*MOVING,
)


class Legs:
	"""The legs of one incident: the stored ones (read with their rows locked, so a sweep marking them at
	that moment is waited for), then those its current save opens."""

	def __init__(self, stored: list):
		self.stored = stored
		self.new: list[frappe._dict] = []
		self.as_read = {leg.name: {f: leg.get(f) for f in MOVING} for leg in stored}

	@classmethod
	def read(cls, doc) -> "Legs":
		if doc.is_new() or not doc.name:
			return cls([])
		return cls(stored_legs(doc.name, lock=True))

	@property
	def rows(self) -> list:
		return [*self.stored, *self.new]

	def open_leg(self):
		return next((leg for leg in self.rows if leg.outcome == "Open"), None)

	def open(self, values: dict) -> frappe._dict:
		leg = frappe._dict(values, name=frappe.generate_hash(length=10), idx=len(self.rows) + 1)
		self.new.append(leg)
		return leg

	def get(self, name: str):
		return next((leg for leg in self.rows if leg.name == name), None)

	def newly_breached(self) -> list:
		"""The legs whose breach this save records first and nobody alerted yet (the sweep alerts only legs
		it finds unalerted, so a save in between, an update, an escalation or a resolution after the due
		time, alerts them). Marked alerted: a leg is alerted once, even when a priority change lengthens
		its target and it overruns the new one too."""
		found = [
			leg
			for leg in self.stored
			if leg.breached and not self.as_read[leg.name]["breached"] and not leg.breach_alerted
		]
		for leg in found:
			leg.breach_alerted = 1
		return found

	def write(self, incident: str) -> None:
		"""New legs in one statement; a stored leg that moved, by its name."""
		for leg in self.new:
			leg.incident = incident
		insert_records(DOCTYPE, ("idx", "incident", *FIELDS), self.new)
		for leg in self.stored:
			changed = {f: leg.get(f) for f in MOVING if differs(leg.get(f), self.as_read[leg.name][f])}
			if changed:
				frappe.db.set_value(DOCTYPE, leg.name, changed, update_modified=False)
		self.stored, self.new = self.rows, []
		self.as_read = {leg.name: {f: leg.get(f) for f in MOVING} for leg in self.stored}


def differs(a, b) -> bool:
	if isinstance(a, int | float) or isinstance(b, int | float):
		return round(float(a or 0), 6) != round(float(b or 0), 6)
	return str(a or "") != str(b or "")


def stored_legs(incident: str, lock: bool = False) -> list:
	"""The incident's legs in order; ``lock``: their rows locked for this transaction, by primary key (no
	range lock on the incident index: concurrent saves of other incidents never wait on it)."""
	names = frappe.get_all(DOCTYPE, filters={"incident": incident}, pluck="name", order_by="idx asc")
	if not names:
		return []
	leg = frappe.qb.DocType(DOCTYPE)
	query = (
		frappe.qb.from_(leg)
		.select(leg.name, leg.idx, *(leg[f] for f in FIELDS))
		.where(leg.name.isin(names))
		.orderby(leg.idx)
	)
	return (query.for_update() if lock else query).run(as_dict=True)


def _group(name: str):
	return frappe.get_cached_value(
		"ITIL Support Group", name, ["tier", "is_external", "service_agreement"], as_dict=True
	)


def update_legs(doc, legs: Legs, events: list[Event], now) -> list:
	"""The legs step of an incident's save: close the open leg when the incident left its group or its
	work, open one for the group it is now in, re-time them all. Returns the breaches recorded first."""
	current = legs.open_leg()
	if current and (current.support_group != doc.support_group or doc.status not in OPEN_STATUSES):
		if doc.status == "Resolved" or doc.status == "Closed":
			outcome = "Resolved"
		elif doc.status == "Cancelled":
			outcome = "Cancelled"
		else:
			new_tier = _group(doc.support_group).tier if doc.support_group else 0
			outcome = "Escalated" if new_tier > (current.tier or 0) else "Reassigned"
		current.outcome, current.released_on = outcome, site_time.naive(now)
		current = None
	if not current and doc.support_group and doc.status in OPEN_STATUSES:
		group = _group(doc.support_group)
		legs.open(
			{
				"support_group": doc.support_group,
				"tier": group.tier,
				"is_external": group.is_external,
				"service_agreement": group.service_agreement,
				"agreement_type": (
					frappe.get_cached_value(
						"ITIL Service Agreement", group.service_agreement, "agreement_type"
					)
					if group.service_agreement
					else None
				),
				"assigned_on": site_time.naive(now),
				"outcome": "Open",
				"breached": 0,
				"caused_sla_breach": 0,
				"breach_alerted": 0,
			}
		)
	time_legs(doc, legs.rows, events, now)
	return legs.newly_breached()


def leg_events(leg, incident_events: list[Event], priority: str | None) -> list[Event]:
	start, end = site_time.aware(leg.assigned_on), site_time.aware(leg.released_on)
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


def time_legs(doc, legs: list, incident_events: list[Event], now) -> None:
	"""Elapsed, due date and breach of every leg, from the incident's event log."""
	sla_breached = doc.sla_status in ("Breached", "Missed")
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
		leg.due_by = site_time.naive(result.resolution_by)
		leg.breached = int(
			bool(target.resolution_seconds) and result.resolution_elapsed > target.resolution_seconds
		)
		leg.caused_sla_breach = int(sla_breached and leg.breached)


def forget(incident: str) -> None:
	"""The incident is deleted: its legs go with it."""
	frappe.db.delete(DOCTYPE, {"incident": incident})
