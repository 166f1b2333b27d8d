"""An incident's SLA event log (ITIL SLA Event): what its clock is computed from.

The log is its own doctype, kept as Frappe keeps its Version and Comment records: rows linked to the
incident, appended with ``frappe.db.bulk_insert`` by the incident's saves and never rewritten by a form.
A stale or partial copy of the incident sent by a client cannot touch it, and no save deletes from it
(so no range delete on its index: concurrent saves of recent incidents never wait on each other here).

A save reads the stored log once (plain read: the incident's row is already locked for the save, and a
save that started from an older copy is refused by Frappe's modified check), adds what it brings, and
writes its new rows in one statement when the incident is written (ITILIncident.on_update).
"""

import frappe

from itil_crm.engines.sla_clock import Event
from itil_crm.service_level import site_time
from itil_crm.service_level.bulk_records import insert_records

DOCTYPE = "ITIL SLA Event"
FIELDS = ("event_type", "at", "value", "note")


class EventLog:
	"""The stored events of one incident, then those its current save adds."""

	def __init__(self, incident: str | None, stored: list):
		self.incident = incident
		self.stored = stored
		self.new: list[frappe._dict] = []

	@classmethod
	def read(cls, doc) -> "EventLog":
		"""The incident's stored log (none for a new incident)."""
		if doc.is_new() or not doc.name:
			return cls(doc.name, [])
		return cls(doc.name, stored_events(doc.name))

	def add(self, kind: str, at, value: str | None = None, note: str | None = None) -> None:
		self.new.append(
			frappe._dict(event_type=kind, at=site_time.naive(site_time.aware(at)), value=value, note=note)
		)

	@property
	def rows(self) -> list:
		return [*self.stored, *self.new]

	def has(self, kind: str) -> bool:
		return any(row.event_type == kind for row in self.rows)

	def events(self) -> list[Event]:
		return engine_events(self.rows)

	def write(self, incident: str) -> int:
		"""Append this save's events after the stored ones, in one statement; how many."""
		if not self.new:
			return 0
		first = len(self.stored) + 1
		for idx, row in enumerate(self.new, start=first):
			row.update(idx=idx, incident=incident)
		insert_records(DOCTYPE, ("idx", "incident", *FIELDS), self.new)
		written = len(self.new)
		self.stored, self.new = self.rows, []
		return written


def stored_events(incident: str) -> list:
	return frappe.get_all(
		DOCTYPE,
		filters={"incident": incident},
		fields=["idx", *FIELDS],
		order_by="idx asc",
	)


def events_of(incidents: list[str]) -> dict[str, list]:
	"""The stored logs of many incidents, in one query (the sweep)."""
	logs: dict[str, list] = {name: [] for name in incidents}
	if not incidents:
		return logs
	for row in frappe.get_all(
		DOCTYPE,
		filters={"incident": ["in", incidents]},
		fields=["incident", "idx", *FIELDS],
		order_by="incident asc, idx asc",
	):
		logs[row.incident].append(row)
	return logs


def engine_events(rows) -> list[Event]:
	return [Event(site_time.aware(r.at), r.event_type, r.value) for r in rows]


def forget(incident: str) -> None:
	"""The incident is deleted: its log goes with it."""
	frappe.db.delete(DOCTYPE, {"incident": incident})
