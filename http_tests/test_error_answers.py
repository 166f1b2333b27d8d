"""Error answers of the app's endpoints over HTTP (docs/security.md):

- nobody but Administrator gets a traceback (`exc`, `exception`, `_exc_source`, `_server_messages`), even
  while System Settings > Allow Error Traceback is ticked; Administrator still does (the setting is on);
- a body sent as JSON that does not parse gets 400 and a message, not Frappe's 500 (the monitoring
  endpoint included), and changes nothing."""

import json

import pytest
from conftest import Client, make_user, unique
from samples import minimal

MONITORING = "itil_crm.service_desk.monitoring_events.receive"
TRACEBACK_MARKS = ("Traceback (most recent call last)", 'File "', ", line ")


def tracebacks_in(answer) -> list[str]:
	"""What in an answer is a traceback (empty: none)."""
	body = answer.json or {}
	found = [key for key in ("exc", "_exc_source") if body.get(key)]
	if any(mark in str(body.get("exception", "")) for mark in TRACEBACK_MARKS):
		found.append("exception")
	if any(mark in str(body.get("_server_messages", "")) for mark in TRACEBACK_MARKS):
		found.append("_server_messages")
	if any(mark in answer.text for mark in TRACEBACK_MARKS[:2]):
		found.append("text")
	return found


@pytest.fixture(scope="module")
def tracebacks_allowed(admin):
	"""System Settings allow tracebacks for the module (Frappe's default), then as they were."""
	before = admin.doc("System Settings", "System Settings").data["allow_error_traceback"]
	answer = admin.method(
		"frappe.client.set_value",
		doctype="System Settings",
		name="System Settings",
		fieldname="allow_error_traceback",
		value=1,
	)
	assert answer.ok, answer
	yield
	admin.method(
		"frappe.client.set_value",
		doctype="System Settings",
		name="System Settings",
		fieldname="allow_error_traceback",
		value=before,
	)


@pytest.fixture(scope="module")
def agent(admin) -> Client:
	return make_user(admin, ["ITIL Service Desk Agent"], label="errors agent")


@pytest.fixture(scope="module")
def source_client(admin, refs) -> Client:
	"""The user of an enabled ITIL Event Source, with a fresh API key."""
	client = make_user(admin, ["ITIL Event Source"], user_type="Website User", label="errors source")
	sources = admin.get(
		"/api/resource/ITIL Event Source", filters=json.dumps({"user": client.user}), limit_page_length=1
	).data
	if sources:
		assert admin.update("ITIL Event Source", sources[0]["name"], {"enabled": 1}).ok
	else:
		values = {**minimal("ITIL Event Source", {**refs, "fresh_user": lambda: client.user})}
		answer = admin.insert("ITIL Event Source", values)
		assert answer.ok, answer
	return client


def error_requests(incident: str, priority: str) -> dict:
	"""Requests to the app's endpoints that fail, by what they reach: (HTTP method, path, arguments)."""
	return {
		"an app method refusing a bad argument (417)": (
			"POST",
			"/api/method/itil_crm.change_enablement.authority.cast_vote",
			{"data": {"change": "CHG-NONE", "decision": "Maybe"}},
		),
		"an app function that is not whitelisted (403)": (
			"POST",
			"/api/method/itil_crm.service_desk.monitoring_events.handle",
			{},
		),
		"a refused priority override (403)": (
			"PUT",
			f"/api/resource/ITIL Incident/{incident}",
			{"json": {"priority_override": priority, "override_reason": "HTTP test"}},
		),
		"a list of an ITIL doctype on an unknown field (417)": (
			"GET",
			"/api/resource/ITIL Incident",
			{"params": {"fields": '["no_such_field"]'}},
		),
		"Frappe's get_list of an ITIL doctype sorted by an unknown column (500)": (
			"POST",
			"/api/method/frappe.client.get_list",
			{"data": {"doctype": "ITIL Incident", "order_by": "no_such_column desc"}},
		),
		"a record of an ITIL doctype that does not exist (404)": (
			"GET",
			"/api/resource/ITIL Incident/INC-NO-SUCH-1",
			{},
		),
	}


def test_no_traceback_in_an_error_answer_but_to_administrator(admin, agent, refs, served, tracebacks_allowed):
	guest = Client(served["url"], served["host"], "Guest")
	requests = error_requests(refs["incident"], refs["priority"])
	leaks, statuses = [], {}
	for what, (verb, path, kw) in requests.items():
		for client in (agent, guest):
			answer = client.call(verb, path, **kw)
			statuses[(what, client.label)] = answer.status
			assert answer.status >= 400, (what, client.label, answer)
			if found := tracebacks_in(answer):
				leaks.append(f"{client.label}, {what}: {answer.status} with a traceback in {found}")
	assert leaks == [], "\n".join(leaks)
	# the requests fail as described, some with a 5xx (Frappe's, on the app's doctype)
	assert (
		statuses[("Frappe's get_list of an ITIL doctype sorted by an unknown column (500)", "errors agent")]
		>= 500
	)
	assert statuses[("a refused priority override (403)", "errors agent")] == 403
	# the setting is on: Administrator gets the traceback of the same failures
	for what in ("an app method refusing a bad argument (417)", next(w for w in requests if "(500)" in w)):
		verb, path, kw = requests[what]
		assert tracebacks_in(admin.call(verb, path, **kw)), f"Administrator got no traceback: {what}"


def test_a_refusal_keeps_its_message_without_the_traceback(agent, refs, tracebacks_allowed):
	answer = agent.update(
		"ITIL Incident", refs["incident"], {"priority_override": refs["priority"], "override_reason": "x"}
	)
	assert answer.status == 403 and not tracebacks_in(answer), answer
	assert "override" in answer.message().lower(), answer


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_a_body_that_is_not_json_gets_400_with_a_message(admin, source_client, content_type):
	before = admin.method("frappe.client.get_count", doctype="ITIL Monitoring Alert").data
	for body in (b"{not json", b'{"alerts": [', "\u00e9t\u00e9".encode("latin-1"), b"[" * 100_000):
		answer = source_client.call(
			"POST", f"/api/method/{MONITORING}", data=body, headers={"Content-Type": content_type}
		)
		assert answer.status == 400, (body[:20], answer)
		assert "JSON" in answer.message() and not tracebacks_in(answer), answer
	# the same on a record of the app (the parser fails before the path is read)
	answer = source_client.call(
		"POST", "/api/resource/ITIL Incident", data=b"{", headers={"Content-Type": content_type}
	)
	assert answer.status == 400 and "JSON" in answer.message(), answer
	assert admin.method("frappe.client.get_count", doctype="ITIL Monitoring Alert").data == before
	# a good body from the same source is still read
	good = {"fingerprint": unique("fp").replace(" ", "-"), "summary": "HTTP test", "status": "resolved"}
	answer = source_client.call("POST", f"/api/method/{MONITORING}", json=good)
	assert answer.status == 200, answer
