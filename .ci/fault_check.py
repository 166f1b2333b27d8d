"""Faults injected into the scheduled jobs with real process kills: nothing lost, nothing doubled.

Run with the bench's python from the bench's sites folder:

    ../env/bin/python /work/main/.ci/fault_check.py <site> [--restart-db | --only-restart-db]

Each scenario runs a job in a child process (its own connection) that dies at a chosen point
(``os._exit(9)`` right after a step, or SIGKILL from outside), then runs the next scheduled run and
counts what the site holds. One line per scenario, then ``faults injected: N, lost: L, doubled: D``;
exit 1 when anything is lost or doubled (or a scenario could not run). ``--restart-db`` also restarts
MariaDB (``service mariadb restart``) while a sweep runs: only when no other site is being tested.

Everything made here is removed at the end, also on failure. The sweeps run at a moment of 2021 and
the check's SLA is valid in 2021 only, so the site's own incidents are neither selected nor swept.
"""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import frappe

UTC = dt.timezone.utc
SWEEP_AT = dt.datetime(2021, 3, 1, 13, 0, tzinfo=UTC)
CLOCKS = ("Response", "Resolution", "OLA")


# ------------------------------------------------------------------ child processes


def _sweep(at: str, die: str = "", pause: float = 0) -> None:
	"""sweep.run at a frozen moment; ``die``: "after-state" exits right after the state is written (before
	the alerts); ``pause``: waits that long there (a database restart happens meanwhile)."""
	from itil_crm.service_level import site_time, sla_alerts, sweep

	original = sla_alerts.raise_alerts

	def step(*args, **kwargs):
		print("state-written", flush=True)
		if die == "after-state":
			os._exit(9)
		time.sleep(pause)
		return original(*args, **kwargs)

	sla_alerts.raise_alerts = step
	with site_time.frozen(dt.datetime.fromisoformat(at)):
		sweep.run()


def _deliver(die_on: int = 0) -> None:
	"""sla_alerts.deliver_pending; ``die_on``: exit once that many emails are made (not committed)."""
	from frappe.email.doctype.notification.notification import Notification

	from itil_crm.service_level import sla_alerts

	original, calls = Notification.send, []

	def send(rule, doc):
		result = original(rule, doc)
		calls.append(doc.name)
		if die_on and len(calls) >= die_on:
			os._exit(9)
		return result

	Notification.send = send
	sla_alerts.deliver_pending()


def _deliver_exchange(name: str) -> None:
	from itil_crm.service_level import supplier_connector

	print("sending", flush=True)
	supplier_connector.deliver(name)


def _retry_due() -> None:
	from itil_crm.service_level import supplier_connector

	supplier_connector.retry_due()


def _retry_intake(die_for: str = "") -> None:
	"""ticket_bridge.intake.retry_intake; ``die_for``: exit once that ticket's incident is inserted, before
	the commit."""
	from itil_crm.ticket_bridge import intake

	original = intake.push_to_tickets

	def push(incident, *args, **kwargs):
		if die_for and incident.source_name == die_for:
			os._exit(9)
		return original(incident, *args, **kwargs)

	intake.push_to_tickets = push
	intake.retry_intake()


JOBS = {
	"sweep": _sweep,
	"deliver": _deliver,
	"deliver_exchange": _deliver_exchange,
	"retry_due": _retry_due,
	"retry_intake": _retry_intake,
}


def child(site: str, job: str, kwargs: str) -> None:
	frappe.init(site=site, sites_path=os.getcwd())
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		JOBS[job](**json.loads(kwargs))
		frappe.db.commit()
		print("done", flush=True)
	finally:
		frappe.destroy()


def start(job: str, **kwargs) -> subprocess.Popen:
	return subprocess.Popen(
		[sys.executable, os.path.abspath(__file__), "--child", frappe.local.site, job, json.dumps(kwargs)],
		cwd=frappe.local.sites_path,
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
	)


def run(job: str, **kwargs) -> int:
	"""A job in a child process, to its end; its exit code (a failure's output is shown)."""
	process = start(job, **kwargs)
	_out, err = process.communicate(timeout=600)
	if process.returncode not in (0, 9, -9):
		print(f"  ({job} exited {process.returncode}: {err.strip().splitlines()[-1:]})")
	return process.returncode


def fresh() -> None:
	frappe.db.rollback()  # a new snapshot: what the children committed


# ------------------------------------------------------------------ a supplier that can kill its caller


class Supplier:
	"""Records each request; ``kill``: the pid to SIGKILL once a request is received, before answering."""

	def __init__(self):
		self.received, self.kill = [], None
		outer = self

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				self.rfile.read(int(self.headers.get("Content-Length") or 0))
				outer.received.append(self.headers.get("Idempotency-Key"))
				if outer.kill:
					os.kill(outer.kill, signal.SIGKILL)
					outer.kill = None
					time.sleep(0.5)
				data = json.dumps({"ticket": {"id": f"SR-{len(outer.received)}"}}).encode()
				try:
					self.send_response(201)
					self.send_header("Content-Type", "application/json")
					self.send_header("Content-Length", str(len(data)))
					self.end_headers()
					self.wfile.write(data)
				except (BrokenPipeError, ConnectionResetError):
					pass

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tickets"
		threading.Thread(target=self.server.serve_forever, daemon=True).start()

	def close(self):
		self.server.shutdown()
		self.server.server_close()


# ------------------------------------------------------------------ the scenarios


def alert_counts(made) -> tuple[int, int, int]:
	"""(expected, lost, doubled) for the alerts of the made incidents: one per clock, each emailed once."""
	fresh()
	per: dict = {}
	for a in made.alerts():
		per[(a.incident, a.clock)] = per.get((a.incident, a.clock), 0) + 1
	names = [a.name for a in made.alerts()] or [""]
	emails: dict = {}
	for ref in frappe.get_all(
		"Communication",
		{"reference_doctype": "ITIL SLA Alert", "reference_name": ["in", names]},
		pluck="reference_name",
	):
		emails[ref] = emails.get(ref, 0) + 1
	expected = [(n, c) for n in made.incidents for c in CLOCKS]
	lost = sum(1 for k in expected if not per.get(k))
	lost += sum(1 for n in names if n and not emails.get(n))
	lost += frappe.db.count("ITIL SLA Alert", {"name": ["in", names], "pending_delivery": 1})
	doubled = sum(v - 1 for v in per.values() if v > 1) + sum(v - 1 for v in emails.values() if v > 1)
	return len(expected), lost, doubled


def sweep_killed(made) -> tuple[str, int, int, int]:
	group = made.service_level()
	for _ in range(5):
		made.incident(group)
	frappe.db.commit()
	faults = 0
	code = run("sweep", at=SWEEP_AT.isoformat(), die="after-state")
	faults += 1
	fresh()
	early = len(made.alerts())  # the dead sweep's transaction is gone whole
	run("sweep", at=SWEEP_AT.isoformat())
	code2 = run("deliver", die_on=2)  # the delivery dies too, after two emails made
	faults += 1
	run("deliver")
	run("sweep", at=(SWEEP_AT + dt.timedelta(minutes=1)).isoformat())
	run("deliver")
	_expected, lost, doubled = alert_counts(made)
	note = f"killed with {code} / {code2}; alerts left by the dead sweep: {early}"
	return (
		f"sweep killed after its state write, delivery killed mid-batch ({note})",
		faults,
		lost,
		doubled + early,
	)


def supplier_killed(made) -> tuple[str, int, int, int]:
	supplier = Supplier()
	try:
		l2 = made.add({"doctype": "ITIL Support Group", "group_name": f"_Test Jobs L2 {made.tag}", "tier": 2})
		vendor = made.add(
			{
				"doctype": "ITIL Support Group",
				"group_name": f"_Test Jobs Vendor {made.tag}",
				"tier": 3,
				"is_external": 1,
			}
		)
		made.add(
			{
				"doctype": "ITIL Supplier Connector",
				"support_group": vendor.name,
				"endpoint_url": supplier.url,
				"timeout_seconds": 5,
				"max_attempts": 3,
				"backoff_seconds": 0,
			}
		)
		incident = frappe.get_doc(
			{
				"doctype": "ITIL Incident",
				"subject": f"_Test jobs {made.tag} supplier",
				"impact": "Medium",
				"urgency": "Medium",
				"support_group": l2.name,
			}
		).insert(ignore_permissions=True)
		made.incidents.append(incident.name)
		incident.support_group = vendor.name
		incident.save(ignore_permissions=True)
		frappe.db.commit()
		(exchange,) = frappe.get_all("ITIL Supplier Exchange", {"incident": incident.name}, pluck="name")
		process = start("deliver_exchange", name=exchange)
		assert process.stdout.readline().strip() == "sending"
		supplier.kill = process.pid  # the supplier gets the request, the worker dies before the answer
		process.communicate(timeout=60)
		code = process.returncode
		fresh()
		status_after_kill = frappe.db.get_value("ITIL Supplier Exchange", exchange, "status")
		# a quarter of an hour later (the sweep's delay for an interrupted send)
		frappe.db.sql(
			"update `tabITIL Supplier Exchange` set modified = modified - interval 16 minute where name = %s",
			exchange,
		)
		frappe.db.commit()
		run("retry_due")
		run("retry_due")
		fresh()
		doc = frappe.get_doc("ITIL Supplier Exchange", exchange)
		delivered = [a for a in doc.attempt_log if a.result == "delivered"]
		lost = int(doc.status != "Delivered")
		# the design (docs/suppliers.md): a retry after an interrupted send carries the same
		# Idempotency-Key, so the supplier may see the request twice but opens one ticket
		keys = set(supplier.received)
		doubled = int(len(delivered) > 1) + int(len(keys) > 1)
		note = (
			f"killed with {code}, left {status_after_kill}; then {doc.status}, {len(delivered)} delivered "
			f"attempt, supplier saw {len(supplier.received)} request(s) with {len(keys)} idempotency key"
		)
		return f"worker killed during a supplier send ({note})", 1, lost, doubled
	finally:
		supplier.close()


def intake_killed(made) -> tuple[str, int, int, int]:
	from frappe.utils import random_string

	if "erpnext" not in frappe.get_installed_apps():
		return "worker killed during incident creation from a ticket: skipped (no ERPNext Issue)", 0, 0, 0
	email = f"fault-{random_string(8).lower()}@example.com"
	issue = frappe.get_doc(
		{"doctype": "Issue", "subject": f"_Test fault {made.tag}", "raised_by": email}
	).insert(ignore_permissions=True)
	made.docs.append(("Issue", issue.name))
	made.emails.append(email)
	frappe.db.set_value(
		"Issue",
		issue.name,
		{"itil_incident": None, "itil_intake_error": "fault check"},
		update_modified=False,
	)
	for name in frappe.get_all(
		"ITIL Incident", {"source_type": "Issue", "source_name": issue.name}, pluck="name"
	):
		frappe.delete_doc("ITIL Incident", name, force=True, ignore_permissions=True)  # an automatic intake's
	frappe.db.commit()

	def incidents():
		fresh()
		names = frappe.get_all(
			"ITIL Incident", {"source_type": "Issue", "source_name": issue.name}, pluck="name"
		)
		made.incidents.extend(n for n in names if n not in made.incidents)
		return names

	code = run("retry_intake", die_for=issue.name)
	after_kill = len(incidents())
	run("retry_intake")
	run("retry_intake")
	names = incidents()
	linked = frappe.db.get_value("Issue", issue.name, "itil_incident")
	lost = int(not names or linked not in names)
	doubled = max(len(names) - 1, 0) + after_kill
	note = f"killed with {code}, incidents after the kill: {after_kill}; after the retries: {len(names)}"
	return f"worker killed during incident creation from a ticket ({note})", 1, lost, doubled


def db_restarted(made) -> tuple[str, int, int, int]:
	group = made.service_level()
	for _ in range(120):
		made.incident(group)
	frappe.db.commit()
	uptime = int(frappe.db.sql("show global status like 'Uptime'")[0][1])
	pid_file = frappe.db.sql("select @@pid_file")[0][0]
	process = start("sweep", at=SWEEP_AT.isoformat(), pause=8)
	line = process.stdout.readline().strip()
	how = restart_mariadb(pid_file)
	process.communicate(timeout=600)
	code = process.returncode
	reconnect()
	after = int(frappe.db.sql("show global status like 'Uptime'")[0][1])
	if after >= uptime:
		raise RuntimeError(f"MariaDB was not restarted ({how}; uptime {uptime} s -> {after} s)")
	run("sweep", at=SWEEP_AT.isoformat())
	run("deliver")
	run("sweep", at=(SWEEP_AT + dt.timedelta(minutes=1)).isoformat())
	run("deliver")
	expected, lost, doubled = alert_counts(made)
	note = (
		f"{len(made.incidents)} incidents, sweep at {line!r} when MariaDB restarted ({how}, "
		f"up {after} s since), sweep exited {code}; {expected} alerts expected"
	)
	return f"MariaDB restarted mid-sweep ({note})", 1, lost, doubled


def restart_mariadb(pid_file: str) -> str:
	"""``service mariadb restart``; where its init script cannot stop the server (its admin account has
	no access), the server is stopped by SIGTERM to the pid in its pid file, then started by the service."""
	before = _pid(pid_file)
	done = subprocess.run(["service", "mariadb", "restart"], capture_output=True, text=True)
	if _pid(pid_file) not in (before, None):
		return "service mariadb restart"
	if before:
		os.kill(before, signal.SIGTERM)
		for _second in range(60):
			if not os.path.exists(f"/proc/{before}"):
				break
			time.sleep(1)
	done = subprocess.run(["service", "mariadb", "start"], capture_output=True, text=True)
	return f"SIGTERM to mariadbd, then service mariadb start (exit {done.returncode})"


def _pid(pid_file: str) -> int | None:
	try:
		with open(pid_file) as f:
			return int(f.read().strip())
	except (OSError, ValueError):
		return None


def reconnect() -> None:
	"""The parent's connection went with the server: a new one, once the server answers."""
	for _attempt in range(60):
		try:
			frappe.local.db = None
			frappe.connect(site=frappe.local.site)
			frappe.set_user("Administrator")
			frappe.db.sql("select 1")
			return
		except Exception:
			time.sleep(1)
	raise RuntimeError("MariaDB did not come back within a minute")


# ------------------------------------------------------------------ main


def main(site: str, restart_db: bool, restart_only: bool = False) -> int:
	frappe.init(site=site)
	frappe.connect()
	from itil_crm.tests.test_job_concurrency import Made

	scenarios = [] if restart_only else [sweep_killed, supplier_killed, intake_killed]
	scenarios += [db_restarted] if restart_db or restart_only else []
	total = {"faults": 0, "lost": 0, "doubled": 0}
	failed = False
	try:
		frappe.set_user("Administrator")
		for scenario in scenarios:
			made = Made()
			made.emails = []
			started = time.monotonic()
			try:
				line, faults, lost, doubled = scenario(made)
			except Exception as e:
				failed = True
				line, faults, lost, doubled = f"{scenario.__name__}: could not run: {e!r}", 0, 0, 0
			finally:
				try:
					frappe.db.rollback()
					remove(made)
				except Exception as e:
					failed = True
					print(f"  cleanup of {scenario.__name__} failed: {e!r}")
			total["faults"] += faults
			total["lost"] += lost
			total["doubled"] += doubled
			verdict = "ok" if not (lost or doubled) else "FAILED"
			print(f"{verdict}: {line}: lost {lost}, doubled {doubled} [{time.monotonic() - started:.0f} s]")
		print(f"faults injected: {total['faults']}, lost: {total['lost']}, doubled: {total['doubled']}")
		return 1 if failed or total["lost"] or total["doubled"] else 0
	finally:
		frappe.destroy()


def remove(made) -> None:
	"""What a scenario made: its records (Made.remove), its ticket's contact, its error logs."""
	contacts = [
		c
		for email in made.emails
		for c in frappe.get_all("Contact Email", {"email_id": email}, pluck="parent")
	]
	issues = frappe.db.exists("DocType", "Issue")
	for name in made.incidents if issues else ():
		for issue in frappe.get_all("Issue", {"itil_incident": name}, pluck="name"):
			frappe.db.set_value("Issue", issue, "itil_incident", None, update_modified=False)
	frappe.db.delete("Error Log", {"creation": [">=", made.started], "error": ["like", f"%{made.tag}%"]})
	for name in [n for d, n in made.docs if d == "Issue"]:
		frappe.db.delete("Error Log", {"creation": [">=", made.started], "reference_name": name})
		frappe.db.delete("Comment", {"reference_doctype": "Issue", "reference_name": name})
	made.remove()
	for name in contacts:
		if frappe.db.exists("Contact", name):
			frappe.delete_doc("Contact", name, force=True, ignore_permissions=True)
	frappe.db.commit()


if __name__ == "__main__":
	if sys.argv[1] == "--child":
		child(*sys.argv[2:5])
	else:
		sys.exit(main(sys.argv[1], "--restart-db" in sys.argv[2:], "--only-restart-db" in sys.argv[2:]))
