"""The incident's save and its history (issue 21): Frappe's own persistence, the history records in their own
doctypes. An insert writes its clock events and its leg in one statement each; a save only adds its new
events and writes the legs that moved, by name, and never deletes from the history (no range delete on its
indexes); a stale or forged form cannot touch the history; numbers come from Frappe's naming series; the
history follows its incident when it is renamed and goes with it when it is deleted; users read it, no
one edits it."""

from contextlib import contextmanager

import frappe

from itil_crm.service_level import site_time
from itil_crm.tests.test_service_level import ServiceLevelCase, make_agreement, make_group, utc
from itil_crm.tests.utils import events_of, legs_of, make_incident, move, user_with_roles

HISTORY = ("ITIL SLA Event", "ITIL Incident Leg", "ITIL Escalation")


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


def stored_events(incident: str) -> list[tuple]:
	return [(e.name, e.idx, e.event_type, e.value) for e in events_of(incident)]


class TestIncidentHistory(ServiceLevelCase):
	def test_an_insert_writes_its_events_and_its_leg_in_one_statement_each(self):
		group = make_group("_Test Hot Desk", 1)
		ola = make_agreement("_Test Hot OLA", "OLA", response=1, resolution=1, group=group.name)
		group.db_set("service_agreement", ola.name)
		with statements() as seen:
			incident = make_incident(support_group=group.name)
		self.assertEqual(writes(seen, "insert", "ITIL SLA Event"), 1)
		self.assertEqual(writes(seen, "insert", "ITIL Incident Leg"), 1)
		events = events_of(incident.name)
		self.assertEqual(
			[(e.event_type, e.idx) for e in events], [("opened", 1), ("agreement", 2), ("priority", 3)]
		)
		self.assertEqual([e.value for e in events][1:], ["_Test SLA", incident.priority])
		legs = legs_of(incident.name)
		self.assertEqual(
			[(x.support_group, x.outcome, x.tier, x.agreement_type, x.idx) for x in legs],
			[(group.name, "Open", 1, "OLA", 1)],
		)
		self.assertTrue(legs[0].due_by)
		self.assertTrue(incident.response_by and incident.resolution_by)

	def test_a_save_only_adds_its_new_events_and_never_deletes_history(self):
		incident = make_incident()
		before = stored_events(incident.name)
		with statements() as seen:
			move(incident, "In Progress")
		for doctype in HISTORY:
			self.assertEqual(writes(seen, "update", doctype), 0, doctype)
			self.assertEqual(writes(seen, "delete", doctype), 0, doctype)
		self.assertEqual(writes(seen, "insert", "ITIL SLA Event"), 1)
		after = stored_events(incident.name)
		self.assertEqual(after[: len(before)], before)
		self.assertEqual(
			[(row[1], row[2]) for row in after[len(before) :]], [(4, "status"), (5, "responded")]
		)

	def test_a_moving_leg_is_written_by_its_name(self):
		group = make_group("_Test Hot Moving", 1)
		ola = make_agreement("_Test Hot Moving OLA", "OLA", response=1, resolution=1, group=group.name)
		group.db_set("service_agreement", ola.name)
		with site_time.frozen(utc(2026, 3, 2, 8, 0)):  # Monday 09:00 Paris
			incident = make_incident(support_group=group.name)
		leg = legs_of(incident.name)[0].name
		with statements() as seen, site_time.frozen(utc(2026, 3, 2, 9, 0)):  # an hour of work later
			move(incident, "In Progress")
		updates = [q for q in seen if q.startswith("update `tabitil incident leg`")]
		self.assertTrue(updates)
		self.assertTrue(all("`name`=" in q.replace(" ", "") for q in updates), updates)
		self.assertEqual(
			(legs_of(incident.name)[0].name, legs_of(incident.name)[0].elapsed_seconds), (leg, 3600)
		)

	def test_a_caller_cannot_seed_or_rewrite_the_history(self):
		forged = {"event_type": "responded", "at": "2026-01-01 09:00:00", "note": "forged"}
		incident = make_incident(sla_events=[forged], legs=[{"support_group": "x"}], escalations=[{}])
		self.assertEqual([e[2] for e in stored_events(incident.name)], ["opened", "agreement", "priority"])
		self.assertFalse(incident.first_responded_on)
		self.assertEqual(frappe.db.count("ITIL Escalation", {"incident": incident.name}), 0)
		# a save sending a stale form leaves the stored history as it is and adds its own events
		before = stored_events(incident.name)
		stale = frappe.get_doc("ITIL Incident", incident.name)
		stale.sla_events = [{"event_type": "opened", "at": "2020-01-01 00:00:00"}]
		move(stale, "In Progress")
		after = stored_events(incident.name)
		self.assertEqual(after[: len(before)], before)
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "sla_status"), "On Track")

	def test_users_read_the_history_and_no_one_edits_it(self):
		incident = make_incident()
		event = events_of(incident.name)[0].name
		agent = user_with_roles("ITIL Service Desk Agent")
		with self.set_user(agent):
			self.assertTrue(frappe.has_permission("ITIL SLA Event", "read", event))
			for ptype in ("write", "create", "delete"):
				for doctype in HISTORY:
					self.assertFalse(frappe.has_permission(doctype, ptype), (doctype, ptype))
			loaded = frappe.get_doc("ITIL Incident", incident.name)
			loaded.run_method("onload")
			history = loaded.get_onload()["history"]
			self.assertEqual(
				[e.event_type for e in history["events"]["rows"]], ["opened", "agreement", "priority"]
			)
			self.assertEqual(history["legs"]["rows"], [])
			# each column as the doctype says it: label and type (a Datetime is formatted as one)
			self.assertIn(
				{"fieldname": "at", "label": "At", "fieldtype": "Datetime"}, history["events"]["columns"]
			)

	def test_the_history_follows_a_renamed_incident_and_goes_with_a_deleted_one(self):
		l2 = make_group("_Test Hot Rename L2", 2)
		l1 = make_group("_Test Hot Rename L1", 1, escalates_to=l2.name)
		incident = make_incident(support_group=l1.name)
		incident.escalate(reason="needs a specialist")
		counts = lambda name: [frappe.db.count(d, {"incident": name}) for d in HISTORY]  # noqa: E731
		before = counts(incident.name)
		self.assertTrue(all(before), before)
		new_name = frappe.rename_doc("ITIL Incident", incident.name, f"{incident.name}-R", force=True)
		self.assertEqual(counts(new_name), before)
		self.assertEqual(counts(incident.name), [0, 0, 0])
		frappe.delete_doc("ITIL Incident", new_name, force=True)
		self.assertEqual(counts(new_name), [0, 0, 0])

	def test_a_leg_is_released_and_the_next_one_added_on_escalation(self):
		l2 = make_group("_Test Hot L2", 2)
		l1 = make_group("_Test Hot L1", 1, escalates_to=l2.name)
		incident = make_incident(support_group=l1.name)
		self.assertEqual(incident.tier, 1)
		incident.escalate(reason="needs a specialist")
		self.assertEqual(incident.tier, 2)
		legs = legs_of(incident.name)
		self.assertEqual(
			[(x.support_group, x.outcome, x.tier) for x in legs],
			[(l1.name, "Escalated", 1), (l2.name, "Open", 2)],
		)
		self.assertTrue(legs[0].released_on)
		self.assertIsNone(legs[1].released_on)
		escalation = frappe.get_all(
			"ITIL Escalation", {"incident": incident.name}, ["from_group", "to_group", "reason", "trigger"]
		)
		self.assertEqual(
			[(e.from_group, e.to_group, e.reason, e.trigger) for e in escalation],
			[(l1.name, l2.name, "needs a specialist", "Manual")],
		)

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
