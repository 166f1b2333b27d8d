"""Machine channels at scale, in a real site with itil_crm installed (issue 10).

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_channels.py --site SITE \
		[--events 10000] [--fingerprints 1000] [--batch 100] [--sends 1000] [--outage 60]

1. Monitoring storm: N Alertmanager events over F fingerprints, posted in batches (each batch one
   request's work, committed): events per second, statements per event, incidents opened (must be F).
2. Supplier sends with a local supplier server (standard library, 127.0.0.1): sends per second.
3. Outage: S sends queued while the supplier is down for `--outage` seconds (the sweep retries them
   with backoff), then the supplier comes back: time for every send to be delivered, and how many
   the supplier received for each idempotency key (exactly one delivered).
Rows are tagged (source, group and CIs named BENCH-...) and deleted at the end; run it on a test site.
"""

import argparse
import json
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import frappe
from frappe.utils import random_string

from itil_crm.service_desk import monitoring_events as events
from itil_crm.service_level import supplier_connector

TAG = "BENCH-CHANNELS"


def setup():
	user = f"bench-events-{random_string(6).lower()}@example.com"
	frappe.get_doc(
		{
			"doctype": "User",
			"email": user,
			"first_name": "Bench",
			"send_welcome_email": 0,
			"user_type": "Website User",
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "ITIL Event Source",
			"source_name": f"{TAG} Prometheus",
			"user": user,
			"resolve_on_recovery": 1,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return events.current_source(user)


def clean():
	incidents = frappe.db.sql_list(
		"select incident from `tabITIL Monitoring Alert` where source like %s and incident is not null",
		f"{TAG}%",
	)
	incidents += frappe.db.sql_list("select name from `tabITIL Incident` where subject like %s", f"{TAG}%")
	incidents = list(set(incidents))
	for chunk in range(0, len(incidents), 500):
		names = tuple(incidents[chunk : chunk + 500])
		for history in ("ITIL Incident Leg", "ITIL SLA Event", "ITIL Escalation"):
			frappe.db.delete(history, {"incident": ["in", names]})
		frappe.db.sql("delete from `tabITIL Affected CI` where parent in %s", (names,))
		frappe.db.sql("delete from `tabComment` where reference_name in %s", (names,))
		frappe.db.sql("delete from `tabVersion` where docname in %s", (names,))
		frappe.db.sql(
			"delete from `tabITIL Supplier Exchange Attempt` where parent in (select name from `tabITIL Supplier Exchange` where incident in %s)",
			(names,),
		)
		frappe.db.sql("delete from `tabITIL Supplier Exchange` where incident in %s", (names,))
		frappe.db.sql("delete from `tabITIL Incident` where name in %s", (names,))
	frappe.db.sql("delete from `tabITIL Monitoring Alert` where source like %s", f"{TAG}%")
	for source in frappe.get_all(
		"ITIL Event Source", filters={"name": ["like", f"{TAG}%"]}, fields=["name", "user"]
	):
		frappe.delete_doc("ITIL Event Source", source.name, force=True, ignore_permissions=True)
		frappe.delete_doc("User", source.user, force=True, ignore_permissions=True)
	for name in frappe.get_all(
		"ITIL Supplier Connector", filters={"name": ["like", f"{TAG}%"]}, pluck="name"
	):
		frappe.delete_doc("ITIL Supplier Connector", name, force=True, ignore_permissions=True)
	for name in frappe.get_all("ITIL Support Group", filters={"name": ["like", f"{TAG}%"]}, pluck="name"):
		frappe.db.delete("Assignment Rule", {"name": f"ITIL {name}"})
		frappe.delete_doc("ITIL Support Group", name, force=True, ignore_permissions=True)
	frappe.db.commit()


def bench_storm(source, n_events, n_fps, batch):
	from bench_site import counting_queries

	rng = random.Random(10)
	fps = [f"{TAG}-{i:05d}" for i in range(n_fps)]
	order = [fps[i % n_fps] for i in range(n_events)]  # every fingerprint at least once
	rng.shuffle(order)
	frappe.set_user(source.user)
	started, statements = time.perf_counter(), 0
	for start in range(0, n_events, batch):
		alerts = [
			{
				"status": "firing",
				"labels": {"alertname": f"{TAG} HighCPU", "instance": f"{fp}:9100", "severity": "warning"},
				"annotations": {"summary": f"{TAG} CPU on {fp}"},
				"startsAt": "2026-11-30T08:00:00Z",
				"fingerprint": fp,
			}
			for fp in order[start : start + batch]
		]
		body = json.dumps({"version": "4", "alerts": alerts}).encode()
		with counting_queries() as counter:
			status, answer = events.handle(source, body)
			frappe.db.commit()
		statements += counter["n"]
		assert status == 200, answer
	elapsed = time.perf_counter() - started
	frappe.set_user("Administrator")
	opened = frappe.db.count("ITIL Monitoring Alert", {"source": source.name, "incident": ["is", "set"]})
	occurrences = frappe.db.sql(
		"select sum(occurrences) from `tabITIL Monitoring Alert` where source = %s", source.name
	)[0][0]
	print(
		f"storm: {n_events} events over {n_fps} fingerprints in batches of {batch}: {elapsed:.1f} s, "
		f"{n_events / elapsed:,.0f} events/s, {statements / n_events:.2f} statements per event; "
		f"{opened} incidents opened, {occurrences} occurrences counted"
	)
	# the repeats alone (every fingerprint open): the set-based path without incident inserts
	frappe.set_user(source.user)
	started, statements = time.perf_counter(), 0
	for start in range(0, n_events, batch):
		alerts = [
			{
				"status": "firing",
				"labels": {"severity": "warning"},
				"annotations": {"summary": "x"},
				"fingerprint": fp,
			}
			for fp in order[start : start + batch]
		]
		with counting_queries() as counter:
			events.handle(source, json.dumps({"version": "4", "alerts": alerts}).encode())
			frappe.db.commit()
		statements += counter["n"]
	elapsed = time.perf_counter() - started
	frappe.set_user("Administrator")
	print(
		f"repeats only: {n_events} events: {n_events / elapsed:,.0f} events/s, "
		f"{statements / n_events:.3f} statements per event"
	)


class Supplier:
	def __init__(self):
		self.up, self.received = True, []
		outer = self

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				self.rfile.read(int(self.headers.get("Content-Length") or 0))
				if not outer.up:
					self.send_response(503)
					self.send_header("Content-Length", "0")
					self.end_headers()
					return
				outer.received.append(self.headers.get("Idempotency-Key"))
				data = json.dumps({"id": f"SR-{len(outer.received)}"}).encode()
				self.send_response(201)
				self.send_header("Content-Type", "application/json")
				self.send_header("Content-Length", str(len(data)))
				self.end_headers()
				self.wfile.write(data)

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tickets"
		threading.Thread(target=self.server.serve_forever, daemon=True).start()


def bench_sends(n_sends, outage):
	supplier = Supplier()
	group = frappe.get_doc(
		{"doctype": "ITIL Support Group", "group_name": f"{TAG} Vendor", "tier": 3, "is_external": 1}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "ITIL Supplier Connector",
			"support_group": group.name,
			"endpoint_url": supplier.url,
			"auth_type": "None",
			"max_attempts": 20,
			"backoff_seconds": 1,
			"timeout_seconds": 5,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()

	def handover(count):
		names = []
		for i in range(count):
			incident = frappe.get_doc(
				{
					"doctype": "ITIL Incident",
					"subject": f"{TAG} handover {i}",
					"impact": "Medium",
					"urgency": "Medium",
					"support_group": group.name,
				}
			).insert(ignore_permissions=True)
			names += frappe.get_all("ITIL Supplier Exchange", {"incident": incident.name}, pluck="name")
		frappe.db.commit()
		return names

	names = handover(n_sends)
	started = time.perf_counter()
	for name in names:
		supplier_connector.deliver(name)
	elapsed = time.perf_counter() - started
	print(
		f"sends: {len(names)} delivered to the local supplier in {elapsed:.1f} s, {len(names) / elapsed:,.0f} sends/s"
	)

	supplier.up = False
	names = handover(n_sends)
	down_until = time.monotonic() + outage
	while time.monotonic() < down_until:  # the sweep runs every minute in production; here in a loop
		supplier_connector.retry_due(limit=n_sends)
		for name in names:
			supplier_connector.deliver(name)
		time.sleep(1)
	supplier.up = True
	recovered = time.perf_counter()
	while frappe.db.count("ITIL Supplier Exchange", {"name": ["in", names], "status": ["!=", "Delivered"]}):
		supplier_connector.retry_due(limit=n_sends)
		time.sleep(0.2)
	drained = time.perf_counter() - recovered
	keys = frappe.get_all("ITIL Supplier Exchange", {"name": ["in", names]}, pluck="idempotency_key")
	per_key = [supplier.received.count(k) for k in keys]
	print(
		f"outage: {len(names)} sends queued during a {outage} s outage drained {drained:.1f} s after recovery; "
		f"deliveries per send: min {min(per_key)}, max {max(per_key)}"
	)
	supplier.server.shutdown()


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--events", type=int, default=10000)
	parser.add_argument("--fingerprints", type=int, default=1000)
	parser.add_argument("--batch", type=int, default=100)
	parser.add_argument("--sends", type=int, default=1000)
	parser.add_argument("--outage", type=int, default=60)
	args = parser.parse_args()
	sys.path.insert(0, __file__.rsplit("/", 1)[0])
	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.flags.mute_emails = True
	try:
		clean()
		if args.events:
			bench_storm(setup(), args.events, args.fingerprints, args.batch)
		if args.sends:
			bench_sends(args.sends, args.outage)
	finally:
		frappe.set_user("Administrator")
		clean()
		frappe.destroy()


if __name__ == "__main__":
	main()
