"""Busy Monday, over HTTP with real parallel requests (threads, each its own session and key, served by
several gunicorn workers): two agents saving the same incident, and one monitoring alert posted twice
at the same moment."""

import json
import threading

from conftest import free_source_user, make_user, unique
from samples import minimal


def at_once(*calls):
	"""Run the calls in parallel threads released together; their answers in order."""
	barrier, answers = threading.Barrier(len(calls)), [None] * len(calls)

	def run(i, call):
		barrier.wait(timeout=30)
		answers[i] = call()

	threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=120)
	return answers


def test_two_agents_saving_the_same_incident_the_second_is_told(admin, refs):
	"""Both opened the form at the same version; the desk's save sends that version: one save wins, the
	other is refused with "modified after you have opened it", and nothing is silently overwritten."""
	agents = [make_user(admin, ["ITIL Service Desk Agent"], label=f"busy agent {i}") for i in (1, 2)]
	created = admin.insert("ITIL Incident", minimal("ITIL Incident", refs))
	assert created.ok, created
	name = created.data["name"]
	for round_ in range(3):
		opened = [agent.doc("ITIL Incident", name).data for agent in agents]
		assert opened[0]["modified"] == opened[1]["modified"]
		texts = [unique(f"agent {i} round {round_}") for i in (1, 2)]
		answers = at_once(
			*[
				lambda agent=agent, doc=doc, text=text: agent.method(
					"frappe.desk.form.save.savedocs",
					doc=json.dumps({**doc, "description": text}),
					action="Save",
				)
				for agent, doc, text in zip(agents, opened, texts, strict=True)
			]
		)
		statuses = sorted(a.status for a in answers)
		assert statuses == [200, 417], answers
		loser = next(a for a in answers if a.status == 417)
		assert loser.exc_type == "TimestampMismatchError" and "modified" in loser.message(), loser
		winner = texts[[a.status for a in answers].index(200)]
		assert admin.doc("ITIL Incident", name).data["description"] == winner


def test_a_stale_rest_update_is_refused_too(admin, refs):
	"""A REST client that sends the version it read is protected the same way."""
	agent = make_user(admin, ["ITIL Service Desk Agent"], label="busy agent 1")
	created = admin.insert("ITIL Incident", minimal("ITIL Incident", refs))
	name = created.data["name"]
	stale = created.data["modified"]
	assert admin.update("ITIL Incident", name, {"description": "first"}).ok
	answer = agent.update("ITIL Incident", name, {"description": "second", "modified": stale})
	assert answer.status == 417 and answer.exc_type == "TimestampMismatchError", answer
	assert admin.doc("ITIL Incident", name).data["description"] == "first"


def test_one_alert_posted_twice_at_the_same_moment_makes_one_incident(admin):
	# a user no source uses yet (each source has its own), given a fresh key
	tool = make_user(admin, ["ITIL Event Source"], "Website User", free_source_user(admin)[5:].split("@")[0])
	source = admin.insert("ITIL Event Source", {"source_name": unique("_HTTP monitoring"), "user": tool.user})
	assert source.ok, source
	fingerprint = unique("fp").replace(" ", "-")
	alert = {
		"version": "4",
		"status": "firing",
		"alerts": [
			{
				"status": "firing",
				"labels": {"alertname": "DiskFull", "severity": "critical", "instance": "nowhere:9100"},
				"annotations": {"summary": f"Disk full {fingerprint}"},
				"startsAt": "2026-12-01T10:00:00Z",
				"fingerprint": fingerprint,
			}
		],
	}
	path = "/api/method/itil_crm.service_desk.monitoring_events.receive"
	answers = at_once(
		*[
			lambda: tool.call("POST", path, json=alert, headers={"Content-Type": "application/json"})
			for _ in range(3)
		]
	)
	# the source's posts are taken one after the other: each is answered, none with a 5xx, none resent
	assert all(a.status < 500 for a in answers), answers
	incidents = admin.get(
		"/api/resource/ITIL Incident",
		filters=json.dumps({"subject": ["like", f"%{fingerprint}%"]}),
		limit_page_length=0,
	).data
	assert len(incidents) == 1, (incidents, answers)


def test_a_delete_during_saves_waits_for_them_and_nobody_gets_a_server_error(admin, refs):
	"""Frappe locks a record without waiting before it deletes it: a delete while agents saved the
	incident answered 500 "being modified by another user". It now waits for the saves, then deletes; a
	save that comes after the delete is told the incident is gone (404)."""
	agents = [make_user(admin, ["ITIL Service Desk Agent"], label=f"busy agent {i}") for i in (1, 2)]
	for _round in range(3):
		created = admin.insert("ITIL Incident", minimal("ITIL Incident", refs))
		assert created.ok, created
		name = created.data["name"]
		answers = at_once(
			*[
				lambda agent=agent: agent.update("ITIL Incident", name, {"description": unique("saving")})
				for agent in agents
			],
			lambda: admin.delete("ITIL Incident", name),
		)
		assert all(a.status < 500 for a in answers), answers
		assert answers[-1].status == 202, answers[-1]
		assert all(a.status in (200, 404) for a in answers[:-1]), answers
		assert admin.doc("ITIL Incident", name).status == 404
