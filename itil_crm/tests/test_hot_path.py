"""The incident's hot path keeps every guarantee (issue 11): the rows a save adds written in one statement
per table and the event log never rewritten, numbers from the naming series in one statement, the
agreement candidates cached and forgotten when an agreement changes, the tier read from the group."""

import re
from contextlib import contextmanager

import frappe
from frappe.model.naming import getseries

from itil_crm.incident_management import numbering
from itil_crm.tests.test_service_level import ServiceLevelCase, make_agreement, make_group
from itil_crm.tests.utils import make_incident, move


@contextmanager
def statements():
	"""Every SQL statement run inside the block, as text."""
	seen: list[str] = []
	original = frappe.db.sql

	def sql(query, *args, **kwargs):
		seen.append(" ".join(str(query).split()).lower())
		return original(query, *args, **kwargs)

	frappe.db.sql = sql
	try:
		yield seen
	finally:
		frappe.db.sql = original


def writes(seen: list[str], verb: str, table: str) -> int:
	return sum(1 for q in seen if q.startswith(verb) and f"`tab{table.lower()}`" in q)


def series_current(prefix: str) -> int | None:
	found = frappe.db.sql("select `current` from `tabSeries` where `name` = %s", prefix)
	return found[0][0] if found else None


def stored_events(incident: str) -> list[tuple]:
	return frappe.get_all(
		"ITIL SLA Event",
		filters={"parent": incident, "parenttype": "ITIL Incident"},
		fields=["name", "idx", "event_type", "value", "at"],
		order_by="idx",
		as_list=True,
	)


class TestHotPath(ServiceLevelCase):
	def test_an_insert_writes_its_events_and_its_leg_in_one_statement_each(self):
		group = make_group("_Test Hot Desk", 1)
		ola = make_agreement("_Test Hot OLA", "OLA", response=1, resolution=1, group=group.name)
		group.db_set("service_agreement", ola.name)
		with statements() as seen:
			incident = make_incident(support_group=group.name)
		self.assertEqual(writes(seen, "insert", "ITIL SLA Event"), 1)
		self.assertEqual(writes(seen, "insert", "ITIL Incident Leg"), 1)
		self.assertEqual(writes(seen, "select", "Series"), 0)  # the number in one statement
		# in memory as in the database: named rows in order, the clock computed from them
		self.assertEqual([e.event_type for e in incident.sla_events], ["opened", "agreement", "priority"])
		self.assertEqual([e.idx for e in incident.sla_events], [1, 2, 3])
		self.assertEqual(
			[(e.name, e.event_type, e.value) for e in incident.sla_events],
			[(name, kind, value) for name, _idx, kind, value, _at in stored_events(incident.name)],
		)
		self.assertEqual(len(incident.legs), 1)
		leg = frappe.get_doc("ITIL Incident Leg", incident.legs[0].name)
		self.assertEqual(
			(leg.support_group, leg.outcome, leg.tier, leg.agreement_type), (group.name, "Open", 1, "OLA")
		)
		self.assertTrue(leg.due_by)
		self.assertTrue(incident.response_by and incident.resolution_by)

	def test_a_save_only_adds_its_new_events(self):
		incident = make_incident()
		before = stored_events(incident.name)
		with statements() as seen:
			move(incident, "In Progress")
		self.assertEqual(writes(seen, "update", "ITIL SLA Event"), 0)
		self.assertEqual(writes(seen, "delete", "ITIL SLA Event"), 0)
		self.assertEqual(writes(seen, "insert", "ITIL SLA Event"), 1)
		after = stored_events(incident.name)
		self.assertEqual(after[: len(before)], before)
		self.assertEqual([row[2] for row in after[len(before) :]], ["status", "responded"])
		self.assertEqual(incident.reload().sla_events[-1].event_type, "responded")

	def test_a_stale_or_partial_form_cannot_rewrite_the_event_log(self):
		incident = make_incident()
		before = stored_events(incident.name)
		incident.sla_events[0].value = "rewritten"
		incident.sla_events = incident.sla_events[:1]  # the other rows missing from the form
		move(incident, "In Progress")
		after = stored_events(incident.name)
		self.assertEqual(after[: len(before)], before)
		self.assertEqual(
			[(row[1], row[2]) for row in after[len(before) :]], [(4, "status"), (5, "responded")]
		)
		self.assertEqual([e.name for e in incident.sla_events], [row[0] for row in after])
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "sla_status"), "On Track")

	def test_a_caller_cannot_seed_the_event_log(self):
		forged = {"event_type": "responded", "at": "2026-01-01 09:00:00", "note": "forged"}
		incident = make_incident(sla_events=[forged])
		kinds = [row[2] for row in stored_events(incident.name)]
		self.assertEqual(kinds, ["opened", "agreement", "priority"])
		self.assertFalse(incident.first_responded_on)

	def test_a_leg_is_released_and_the_next_one_added_on_escalation(self):
		l2 = make_group("_Test Hot L2", 2)
		l1 = make_group("_Test Hot L1", 1, escalates_to=l2.name)
		incident = make_incident(support_group=l1.name)
		self.assertEqual(incident.tier, 1)
		incident.escalate(reason="needs a specialist")
		self.assertEqual(incident.tier, 2)
		legs = frappe.get_all(
			"ITIL Incident Leg",
			filters={"parent": incident.name},
			fields=["support_group", "outcome", "tier", "released_on"],
			order_by="idx",
		)
		self.assertEqual(
			[(x.support_group, x.outcome, x.tier) for x in legs],
			[(l1.name, "Escalated", 1), (l2.name, "Open", 2)],
		)
		self.assertTrue(legs[0].released_on)
		self.assertIsNone(legs[1].released_on)

	def test_numbers_follow_on_from_frappes_naming_series(self):
		first = make_incident()
		second = make_incident()
		prefix, number = re.match(r"^(.*?)(\d+)$", first.name).groups()
		self.assertEqual(second.name, f"{prefix}{int(number) + 1:0{len(number)}d}")
		self.assertEqual(series_current(prefix), int(number) + 1)
		# Frappe's own counter goes on from ours, and ours from Frappe's
		self.assertEqual(getseries(prefix, len(number)), f"{int(number) + 2:0{len(number)}d}")
		self.assertEqual(make_incident().name, f"{prefix}{int(number) + 3:0{len(number)}d}")

	def test_a_new_series_starts_at_one(self):
		self.assertEqual(numbering.next_number("_TEST-HOT-", 5), "00001")
		self.assertEqual(numbering.next_number("_TEST-HOT-", 5), "00002")
		self.assertEqual(series_current("_TEST-HOT-"), 2)

	def test_a_changed_agreement_is_selected_at_once(self):
		self.assertEqual(make_incident().service_agreement, "_Test SLA")  # candidates now cached
		top = make_agreement("_Test Top SLA", is_default=1, selection_order=self.order - 1)
		self.assertEqual(make_incident().service_agreement, "_Test Top SLA")
		top.enabled = 0
		top.save()
		self.assertEqual(make_incident().service_agreement, "_Test SLA")
		top.enabled = 1
		top.save()
		frappe.delete_doc("ITIL Service Agreement", top.name, force=True)
		self.assertEqual(make_incident().service_agreement, "_Test SLA")

	def test_rows_given_at_insert_still_get_their_defaults(self):
		row = {"escalation_type": "Functional", "reason": "given", "escalated_on": "2026-03-02 10:00:00"}
		incident = make_incident(escalations=[row])
		self.assertEqual(incident.escalations[0].trigger, "Manual")
		self.assertEqual(
			frappe.db.get_value("ITIL Escalation", incident.escalations[0].name, "trigger"), "Manual"
		)
