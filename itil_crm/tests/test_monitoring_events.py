"""Monitoring events in (issue 10): an Alertmanager payload opens, repeats into and resolves one
incident; a mixed batch keeps its good alerts; concurrent posts of one fingerprint make one incident."""

import json
import random
import threading

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from itil_crm.service_desk import monitoring_events as events
from itil_crm.tests.utils import TEST_IGNORE, make_ci, move, user_with_roles

test_ignore = TEST_IGNORE


def payload(*alerts):
	return json.dumps(
		{"version": "4", "status": "firing", "receiver": "itil", "alerts": list(alerts)}
	).encode()


def alert(fp, status="firing", severity="critical", instance="db01:9100", **labels):
	return {
		"status": status,
		"labels": {"alertname": "HighCPU", "instance": instance, "severity": severity, **labels},
		"annotations": {"summary": f"CPU above 95 % on {instance}", "description": "for 10 minutes"},
		"startsAt": "2026-11-30T08:00:00Z",
		"endsAt": "0001-01-01T00:00:00Z",
		"fingerprint": fp,
	}


def make_source(resolve=1, **kw):
	user = user_with_roles("ITIL Event Source", prefix="itil-events")
	frappe.get_doc(
		{
			"doctype": "ITIL Event Source",
			"source_name": f"_Test Prometheus {random_string(6)}",
			"user": user,
			"resolve_on_recovery": resolve,
			"ci_labels": "service, instance",
			**kw,
		}
	).insert()
	return events.current_source(user)


def timeline(incident):
	return frappe.get_all(
		"Comment",
		filters={"reference_doctype": "ITIL Incident", "reference_name": incident, "comment_type": "Info"},
		pluck="content",
	)


class TestMonitoringEvents(FrappeTestCase):
	def test_an_alert_opens_repeats_into_and_resolves_one_incident(self):
		host = f"db-{random_string(6).lower()}"
		ci = make_ci(name=host).name
		source = make_source()
		fp = f"fp-{random_string(8)}"
		status, answer = events.handle(source, payload(alert(fp, instance=f"{host}:9100")))
		self.assertEqual(status, 200, answer)
		(name,) = answer["opened"]
		incident = frappe.get_doc("ITIL Incident", name)
		self.assertEqual(
			(incident.channel, incident.configuration_item, incident.event_severity, incident.urgency),
			("Monitoring Event", ci, "critical", "High"),
		)
		# three repeats: counted, no new incident, no timeline line
		lines = len(timeline(name))
		status, answer = events.handle(source, payload(*[alert(fp, instance=f"{host}:9100")] * 3))
		self.assertEqual((status, answer["opened"], answer["updated"]), (200, [], [name]))
		row = frappe.get_all("ITIL Monitoring Alert", {"incident": name}, ["occurrences", "alert_status"])[0]
		self.assertEqual((row.occurrences, row.alert_status), (4, "Firing"))
		self.assertEqual(len(timeline(name)), lines)
		self.assertEqual(events.monitoring_summary(name).occurrences, 4)
		# recovery: one line, the incident resolved by monitoring
		status, answer = events.handle(source, payload(alert(fp, "resolved", instance=f"{host}:9100")))
		self.assertEqual(answer["resolved"], [name])
		incident.reload()
		self.assertEqual((incident.status, incident.resolution_code), ("Resolved", "Resolved by Monitoring"))
		self.assertEqual(len(timeline(name)), lines + 1)
		# firing again reopens it
		status, answer = events.handle(source, payload(alert(fp, instance=f"{host}:9100")))
		self.assertEqual(answer["reopened"], [name])
		self.assertEqual(frappe.db.get_value("ITIL Incident", name, "status"), "In Progress")
		# once closed, the next firing opens a new incident naming the previous one
		incident.reload()
		move(incident, "Resolved", "Closed", Resolved={"resolution_code": "Permanent Fix"})
		status, answer = events.handle(source, payload(alert(fp, instance=f"{host}:9100")))
		(second,) = answer["opened"]
		self.assertNotEqual(second, name)
		self.assertEqual(
			frappe.db.get_value("ITIL Monitoring Alert", {"incident": second}, "previous_incident"), name
		)
		self.assertTrue(any(name in c for c in timeline(second)))

	def test_without_auto_resolve_the_recovery_is_only_noted(self):
		source = make_source(resolve=0)
		fp = f"fp-{random_string(8)}"
		(name,) = events.handle(source, payload(alert(fp)))[1]["opened"]
		_status, answer = events.handle(source, payload(alert(fp, "resolved"), alert(fp, "resolved")))
		self.assertEqual((answer["resolved"], answer["updated"]), ([], [name]))
		self.assertEqual(frappe.db.get_value("ITIL Incident", name, "status"), "New")
		self.assertEqual(sum("recovered" in c for c in timeline(name)), 1)
		# a recovery of an alert nobody saw fire changes nothing
		self.assertEqual(events.handle(source, payload(alert("never-fired", "resolved")))[1]["ignored"], 1)

	def test_an_incident_closed_behind_the_hooks_back_still_starts_a_new_episode(self):
		source = make_source()
		fp = f"fp-{random_string(8)}"
		(first,) = events.handle(source, payload(alert(fp)))[1]["opened"]
		frappe.db.set_value("ITIL Incident", first, "status", "Closed")  # e.g. a bulk update in SQL
		self.assertEqual(events.handle(source, payload(alert(fp, "resolved")))[1]["ignored"], 1)
		(second,) = events.handle(source, payload(alert(fp)))[1]["opened"]
		self.assertEqual(
			frappe.db.get_value("ITIL Monitoring Alert", {"incident": second}, "previous_incident"), first
		)
		self.assertEqual(
			frappe.db.count("ITIL Monitoring Alert", {"fingerprint": fp, "open_key": ["is", "set"]}), 1
		)

	def test_a_mixed_batch_keeps_its_good_alerts(self):
		source = make_source()
		good = f"fp-{random_string(8)}"
		before = frappe.db.count("ITIL Monitoring Alert")
		status, answer = events.handle(
			source,
			payload(
				alert(good),
				{**alert("x"), "fingerprint": None},
				alert(f"fp-{random_string(8)}", severity="page"),
			),
		)
		self.assertEqual(status, 422)
		self.assertEqual(
			[(e["index"], e["error"]) for e in answer["errors"]],
			[
				(1, "'fingerprint' is missing"),
				(2, "unknown severity 'page' (known: critical, error, info, warning)"),
			],
		)
		self.assertEqual(len(answer["opened"]), 1)
		self.assertEqual(frappe.db.count("ITIL Monitoring Alert"), before + 1)

	def test_unreadable_bodies_change_nothing(self):
		source = make_source()
		before = (frappe.db.count("ITIL Monitoring Alert"), frappe.db.count("ITIL Incident"))
		for body, expected in (
			(b"{not json", 400),
			(b"x" * (events.parse.__defaults__[0] + 1), 413),
			(json.dumps({"version": "4", "alerts": [{"status": "firing"}]}).encode(), 400),
		):
			status, answer = events.handle(source, body)
			self.assertEqual(status, expected, answer)
			self.assertTrue(answer.get("error") or answer.get("errors"))
		self.assertEqual((frappe.db.count("ITIL Monitoring Alert"), frappe.db.count("ITIL Incident")), before)

	def test_only_an_enabled_source_user_may_post(self):
		self.assertRaises(
			frappe.PermissionError, events.current_source, user_with_roles("ITIL Service Desk Agent")
		)
		source = make_source()
		frappe.db.set_value("ITIL Event Source", source.name, "enabled", 0)
		self.assertRaises(
			frappe.PermissionError,
			events.current_source,
			frappe.db.get_value("ITIL Event Source", source.name, "user"),
		)
		self.assertRaises(frappe.AuthenticationError, events.current_source, "Guest")
		# an unknown severity as the default is refused when the source is saved
		doc = frappe.get_doc("ITIL Event Source", source.name)
		doc.default_severity = "page"
		self.assertRaises(frappe.ValidationError, doc.save)

	def test_the_severity_map_and_not_the_channel_sets_the_urgency(self):
		source = make_source()
		(name,) = events.handle(source, payload(alert(f"fp-{random_string(8)}", severity="info")))[1][
			"opened"
		]
		self.assertEqual(frappe.db.get_value("ITIL Incident", name, "effective_urgency"), "Low")

	def test_a_ci_is_found_by_its_host_name_or_address(self):
		"""The labels instance, host and hostname name a host (without its port): the CI whose Host Name or IP
		Address it is; a retired CI, or a host that two CIs share, names none."""
		host = f"web-{random_string(6).lower()}"
		address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
		by_name = make_ci(host_name=f"{host}.Example.COM").name
		by_address = make_ci(ip_address=address).name
		self.assertEqual(
			frappe.db.get_value("ITIL Configuration Item", by_name, "host_name"), f"{host}.example.com"
		)
		source = make_source(ci_labels="service")  # the configured labels name no CI: the host does
		for labels, ci in (
			({"instance": f"{host}.example.com:9100"}, by_name),
			({"instance": "unknown:1", "hostname": f"{host.upper()}.example.com"}, by_name),
			({"instance": f"{address}:9100"}, by_address),
			({"instance": "nowhere:9100", "host": address}, by_address),
		):
			fp = f"fp-{random_string(8)}"
			status, answer = events.handle(source, payload(alert(fp, **labels)))
			self.assertEqual(status, 200, answer)
			(name,) = answer["opened"]
			self.assertEqual(frappe.db.get_value("ITIL Incident", name, "configuration_item"), ci, labels)
		# a name or ID match still comes first; two CIs on one host name none of them
		shared = f"shared-{random_string(6).lower()}"
		make_ci(host_name=shared)
		make_ci(host_name=shared, environment="Test")
		(name,) = events.handle(source, payload(alert(f"fp-{random_string(8)}", instance=f"{shared}:80")))[1][
			"opened"
		]
		self.assertIsNone(frappe.db.get_value("ITIL Incident", name, "configuration_item"))

	def test_the_webhooks_common_labels_find_the_ci(self):
		host = f"db-{random_string(6).lower()}"
		ci = make_ci(name=host).name
		source = make_source()
		body = json.loads(payload(alert(f"fp-{random_string(8)}", instance="")))
		body["alerts"][0]["labels"].pop("instance")
		body["commonLabels"] = {"instance": f"{host}:9100", "alertname": "HighCPU"}
		body["groupLabels"] = {"alertname": "HighCPU"}
		status, answer = events.handle(source, json.dumps(body).encode())
		self.assertEqual(status, 200, answer)
		(name,) = answer["opened"]
		self.assertEqual(frappe.db.get_value("ITIL Incident", name, "configuration_item"), ci)

	def test_a_host_name_or_address_that_does_not_parse_is_refused(self):
		for values in ({"ip_address": "10.0.0.300"}, {"ip_address": "db01"}, {"host_name": "not a host"}):
			self.assertRaises(frappe.ValidationError, make_ci, **values)
		ci = make_ci(ip_address=" 2001:DB8:0::1 ", host_name="DB01.")
		self.assertEqual((ci.ip_address, ci.host_name), ("2001:db8::1", "db01"))


class TestConcurrentPosts(FrappeTestCase):
	"""Two workers with their own database connections post the same new fingerprint at the same
	moment: one incident. (Committed: the workers cannot see the test's transaction; cleaned up.)"""

	def test_two_workers_posting_one_fingerprint_make_one_incident(self):
		source = make_source()
		frappe.db.commit()
		site, fp = frappe.local.site, f"fp-{random_string(10)}"
		barrier, answers = threading.Barrier(2), []

		def worker():
			frappe.init(site=site)
			frappe.connect()
			try:
				frappe.set_user(source.user)
				me = events.current_source()
				barrier.wait(timeout=30)
				answers.append(events.handle(me, payload(alert(fp), alert(fp))))
				frappe.db.commit()
			finally:
				frappe.destroy()

		threads = [threading.Thread(target=worker) for _ in range(2)]
		for t in threads:
			t.start()
		for t in threads:
			t.join(timeout=120)
		try:
			self.assertEqual([s for s, _a in answers], [200, 200], answers)
			self.assertEqual(sum(len(a["opened"]) for _s, a in answers), 1, answers)
			rows = frappe.get_all("ITIL Monitoring Alert", {"fingerprint": fp}, ["incident", "occurrences"])
			self.assertEqual(len(rows), 1)
			self.assertEqual(rows[0].occurrences, 4)
		finally:
			incidents = frappe.get_all(
				"ITIL Incident", {"name": ["in", [r for _s, a in answers for r in a["opened"]]]}, pluck="name"
			)
			frappe.db.delete("ITIL Monitoring Alert", {"fingerprint": fp})
			for name in incidents:
				frappe.delete_doc("ITIL Incident", name, force=True, ignore_permissions=True)
			frappe.delete_doc("ITIL Event Source", source.name, force=True, ignore_permissions=True)
			frappe.delete_doc("User", source.user, force=True, ignore_permissions=True)
			frappe.db.commit()
