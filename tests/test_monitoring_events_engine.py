import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.monitoring_events import (
	PayloadError,
	ci_hints,
	fold,
	host_hints,
	host_of,
	map_severity,
	normal_host_name,
	normal_ip,
	parse,
)


def am(*alerts, version="4"):
	return json.dumps({"version": version, "status": "firing", "receiver": "itil", "alerts": list(alerts)})


def alert(fp="a1", status="firing", **labels):
	return {
		"status": status,
		"labels": {"alertname": "HighCPU", "instance": "db01:9100", **labels},
		"annotations": {"summary": "CPU above 95 %", "description": "for 10 minutes"},
		"startsAt": "2026-11-30T08:00:00.123456789Z",
		"endsAt": "0001-01-01T00:00:00Z",
		"fingerprint": fp,
	}


def test_an_alertmanager_payload_is_read():
	(good, errors) = parse(am(alert(severity="critical")))
	assert errors == []
	(i, a) = good[0]
	assert (i, a.fingerprint, a.status, a.severity, a.summary) == (
		0,
		"a1",
		"firing",
		"critical",
		"CPU above 95 %",
	)
	assert a.starts_at.isoformat() == "2026-11-30T08:00:00.123456+00:00" and a.ends_at is None
	assert ci_hints(a, ["service", "instance"]) == ["db01:9100", "db01"]


def test_a_generic_event_alone_in_a_list_or_under_events():
	event = {
		"fingerprint": "e1",
		"severity": "Warning",
		"summary": "Disk 90 %",
		"ci": "srv-01",
		"source": "zabbix",
	}
	for body in (event, [event], {"events": [event]}):
		(good, errors) = parse(json.dumps(body))
		assert errors == [] and good[0][1].severity == "warning" and good[0][1].status == "firing"
		assert ci_hints(good[0][1], ["instance"]) == ["srv-01"]


@pytest.mark.parametrize(
	"body, message",
	[
		(b"", "empty"),
		(b"not json", "not JSON"),
		(b'"a string"', "expected an Alertmanager"),
		(am(alert(), version="3"), "version '3'"),
		(json.dumps({"alerts": {}}), "must be a list"),
	],
)
def test_unreadable_bodies_are_refused_whole(body, message):
	with pytest.raises(PayloadError) as e:
		parse(body)
	assert message in str(e.value) and not e.value.too_large


def test_an_oversized_body_is_refused_as_too_large():
	with pytest.raises(PayloadError) as e:
		parse(b"x" * 2000, max_bytes=1000)
	assert e.value.too_large


def test_one_bad_alert_among_good_ones_is_refused_alone():
	bad_date = {**alert("a3"), "startsAt": "yesterday"}
	(good, errors) = parse(
		am(alert("a1"), {**alert("x"), "fingerprint": ""}, bad_date, alert("a4", status="pending"))
	)
	assert [i for i, _a in good] == [0]
	assert dict(errors) == {
		1: "'fingerprint' is missing",
		2: "'startsAt' is not an RFC 3339 date: 'yesterday'",
		3: "'status' must be firing or resolved, not 'pending'",
	}


def test_severity_map():
	mapping = {"critical": ("High", "High"), "warning": ("Medium", None)}
	assert map_severity("critical", mapping, None) == ("High", "High")
	assert map_severity(None, mapping, "warning") == ("Medium", None)
	assert map_severity(None, mapping, None) == (None, None)
	with pytest.raises(ValueError, match="unknown severity 'page'"):
		map_severity("page", mapping, None)


statuses = st.lists(
	st.tuples(st.sampled_from(["f1", "f2", "f3"]), st.sampled_from(["firing", "resolved"])), max_size=40
)


@given(statuses)
def test_folding_keeps_every_firing_and_the_last_status(seq):
	(good, errors) = parse(am(*[alert(fp, status) for fp, status in seq]))
	assert errors == []
	folded = fold([a for _i, a in good])
	assert sum(f.fired for f in folded.values()) == sum(1 for _fp, s in seq if s == "firing")
	for fp, f in folded.items():
		mine = [s for p, s in seq if p == fp]
		assert f.alert.status == mine[-1]
		assert all(a != b for a, b in zip(f.changes, f.changes[1:], strict=False))
		assert f.changes[0] == mine[0] and f.changes[-1] == mine[-1]


@given(st.binary(max_size=300))
def test_random_bytes_never_escape_as_anything_but_a_payload_error(body):
	try:
		parse(body)
	except PayloadError:
		pass


@given(
	st.recursive(
		st.none() | st.booleans() | st.integers() | st.text(max_size=10),
		lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
		max_leaves=20,
	)
)
def test_random_json_is_read_or_refused_with_a_message(data):
	try:
		_good, errors = parse(json.dumps(data))
	except PayloadError as e:
		assert str(e)
		return
	assert all(message for _i, message in errors)


def test_the_webhooks_group_and_common_labels_complete_an_alerts_own():
	"""Alertmanager sends the labels the alerts of a group share as groupLabels and commonLabels: an alert
	whose own labels lack one is looked up (CI, host, severity) with them; its own labels win."""
	bare = {"status": "firing", "fingerprint": "g1", "labels": {"alertname": "Down"}}
	own = {"status": "firing", "fingerprint": "g2", "labels": {"alertname": "Down", "instance": "web01:80"}}
	body = json.dumps(
		{
			"version": "4",
			"groupLabels": {"service": "billing", "instance": "grouped:9100"},
			"commonLabels": {"instance": "db01:9100", "severity": "critical"},
			"alerts": [bare, own],
		}
	)
	good, errors = parse(body)
	assert errors == []
	first, second = good[0][1], good[1][1]
	assert first.labels == {"alertname": "Down"}  # what is stored: the alert's own labels
	assert ci_hints(first, ["service", "instance"]) == ["billing", "db01:9100", "db01"]
	assert host_hints(first) == ["db01"]
	assert first.severity == "critical" and first.summary == "Down on db01:9100"
	assert host_hints(second) == ["web01"]
	assert ci_hints(second, ["instance"]) == ["web01:80", "web01"]


def test_group_labels_that_are_not_an_object_refuse_the_body():
	with pytest.raises(PayloadError, match="commonLabels"):
		parse(json.dumps({"version": "4", "commonLabels": ["x"], "alerts": []}))


@pytest.mark.parametrize(
	"value, host",
	[
		("db01", "db01"),
		("DB01.Example.COM.", "db01.example.com"),
		("db01:9100", "db01"),
		("10.0.0.5:9100", "10.0.0.5"),
		("10.0.0.5", "10.0.0.5"),
		("[2001:DB8:0:0::1]:9100", "2001:db8::1"),
		("2001:db8::1", "2001:db8::1"),
		("https://shop.example.com:8443/health", "shop.example.com"),
		("http://10.1.2.3/metrics", "10.1.2.3"),
		("not a host", None),
		("-db", None),
		("", None),
		("a" * 64 + ".example.com", None),
	],
)
def test_the_host_of_an_instance_label(value, host):
	assert host_of(value) == host


def test_host_hints_read_instance_host_and_hostname_and_the_events_ci():
	good, _errors = parse(
		json.dumps({"fingerprint": "e1", "summary": "Disk full", "ci": "srv01.example.com"})
	)
	assert host_hints(good[0][1]) == ["srv01.example.com"]
	good, _errors = parse(am(alert(instance="10.0.0.7:9100", host="db01", hostname="DB01.lan")))
	assert host_hints(good[0][1]) == ["10.0.0.7", "db01", "db01.lan"]


@given(st.ip_addresses(), st.integers(min_value=1, max_value=65535))
def test_an_address_with_or_without_its_port_is_found_in_its_normal_form(address, port):
	text = f"[{address}]:{port}" if address.version == 6 else f"{address}:{port}"
	assert host_of(text) == normal_ip(str(address)) == str(address)
	assert host_of(str(address).upper()) == str(address)


@given(st.text(max_size=80))
def test_host_of_never_fails_and_answers_a_valid_host_or_nothing(text):
	host = host_of(text)
	assert host is None or normal_ip(host) == host or normal_host_name(host) == host
