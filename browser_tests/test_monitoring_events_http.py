"""Issue 10 over HTTP against the served site, as a monitoring tool calls it: token authentication of an
ITIL Event Source user; an Alertmanager payload opens an incident, a repeat counts, a mixed batch gets
422 and keeps its good alert, unreadable or unauthenticated posts change nothing; a signed supplier
callback on an unknown connector or without a signature is refused."""

import json
import random
import string

ENDPOINT = "/api/method/itil_crm.service_desk.monitoring_events.receive"


def _tag():
	return "".join(random.choices(string.ascii_lowercase, k=8))


def _source(desk, base_url):
	"""An event-source user with API keys, made with the admin session."""
	from conftest import insert

	tag = _tag()
	user = insert(
		desk,
		base_url,
		"User",
		{
			"email": f"prom-{tag}@example.com",
			"first_name": "Prometheus",
			"send_welcome_email": 0,
			"user_type": "Website User",
		},
	)
	insert(desk, base_url, "ITIL Event Source", {"source_name": f"Prometheus {tag}", "user": user["name"]})
	keys = desk.request.post(
		f"{base_url}/api/method/frappe.core.doctype.user.user.generate_keys", form={"user": user["name"]}
	)
	assert keys.ok, keys.text()
	secret = keys.json()["message"]["api_secret"]
	key = desk.request.get(f"{base_url}/api/resource/User/{user['name']}").json()["data"]["api_key"]
	return {"Authorization": f"token {key}:{secret}"}


def _alert(fp, severity="critical"):
	return {
		"status": "firing",
		"labels": {"alertname": "HighCPU", "instance": "db01:9100", "severity": severity},
		"annotations": {"summary": f"CPU above 95 % ({fp})"},
		"startsAt": "2026-11-30T08:00:00Z",
		"fingerprint": fp,
	}


def _post(client, base_url, auth, body, content_type="application/json"):
	data = body if isinstance(body, bytes) else json.dumps(body).encode()
	return client.post(f"{base_url}{ENDPOINT}", data=data, headers={**auth, "Content-Type": content_type})


def test_an_alertmanager_webhook_over_http(desk, base_url, browser):
	auth = _source(desk, base_url)
	client = browser.new_context().request
	fp = f"http-{_tag()}"
	first = _post(client, base_url, auth, {"version": "4", "alerts": [_alert(fp)]})
	assert first.status == 200, first.text()
	(incident,) = first.json()["message"]["opened"]
	again = _post(client, base_url, auth, {"version": "4", "alerts": [_alert(fp), _alert(fp)]})
	assert again.status == 200 and again.json()["message"]["updated"] == [incident]
	mixed = _post(
		client,
		base_url,
		auth,
		{"version": "4", "alerts": [_alert(f"http-{_tag()}"), _alert("x", severity="page")]},
	)
	assert mixed.status == 422, mixed.text()
	answer = mixed.json()["message"]
	assert len(answer["opened"]) == 1 and answer["errors"][0]["index"] == 1
	assert "unknown severity" in answer["errors"][0]["error"]
	# not JSON (sent as text), too large, no key, a desk user's session: refused, nothing written
	assert _post(client, base_url, auth, b"this is not json", "text/plain").status == 400
	assert _post(client, base_url, auth, b"x" * (1024 * 1024 + 10), "text/plain").status == 413
	assert _post(client, base_url, {}, {"version": "4", "alerts": [_alert(fp)]}).status in (401, 403)
	assert desk.request.post(f"{base_url}{ENDPOINT}", data="{}").status in (403,)
	# the event source user can do nothing else
	assert client.get(f"{base_url}/api/resource/ITIL Incident/{incident}", headers=auth).status == 403


def test_supplier_callbacks_refused_over_http(base_url, browser):
	url = f"{base_url}/api/method/itil_crm.service_level.supplier_callbacks.receive"
	client = browser.new_context().request  # a supplier: no session
	unknown = client.post(f"{url}?connector=nobody", data=b'{"reference": "x"}')
	assert unknown.status == 404
	assert "unknown connector" in unknown.text()
