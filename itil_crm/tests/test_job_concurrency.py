"""The scheduled jobs run twice at once, in real processes (each with its own database connection):
nothing lost, nothing doubled.

- two SLA sweeps started together over incidents that crossed thresholds: every alert once, every
  status and escalation once;
- an agent saves an incident (a stale copy of the form) while a sweep holds its row: the agent's
  change and the sweep's status, alerts and escalation rows all survive;
- two alert deliveries at once: each alert's email queued once;
- two supplier retry sweeps at once: each due exchange sent once to a local supplier server.

The records are committed (the other processes must see them) and removed in ``finally``. The sweeps
run at a moment of 2021 (``site_time.frozen`` around ``sweep.run``) and the test SLA is valid in 2021 only,
so the site's own incidents are neither selected nor swept by the test, and the test's incidents are
found by name, never by assuming the site is empty."""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime, random_string

from itil_crm.tests.test_supplier_connector import Supplier
from itil_crm.tests.utils import TEST_IGNORE, escalations_of, events_of, legs_of, user_with_roles

test_ignore = TEST_IGNORE

UTC = dt.timezone.utc
OPENED = dt.datetime(2021, 3, 1, 8, 0, tzinfo=UTC)  # Monday 08:00 UTC (a 24x7 calendar in UTC)
SWEEP_AT = dt.datetime(2021, 3, 1, 13, 0, tzinfo=UTC)  # response 250 %, resolution 62.5 %, OLA 500 %
NOTIFIED = {"auto", "response:50", "response:75", "response:100", "resolution:50"}
CHILD = "import sys; from itil_crm.tests.test_job_concurrency import child; child(*sys.argv[1:])"


# ------------------------------------------------------------------ the child processes


def _sweep(at: str, hold: bool = False) -> dict:
	"""sweep.run at a frozen moment; ``hold``: stop once the state is written (rows locked, nothing
	committed) until the parent says go on."""
	from itil_crm.service_level import site_time, sla_alerts, sweep

	if hold:
		original = sla_alerts.raise_alerts

		def holding(*args, **kwargs):
			print("state-written", flush=True)
			sys.stdin.readline()
			return original(*args, **kwargs)

		sla_alerts.raise_alerts = holding
	with site_time.frozen(dt.datetime.fromisoformat(at)):
		sweep.run()
	return {}


def _deliver() -> dict:
	from itil_crm.service_level import sla_alerts

	return {"sent": sla_alerts.deliver_pending()}


def _retry_due() -> dict:
	from itil_crm.service_level import supplier_connector

	return {"due": supplier_connector.retry_due()}


def _mark_legs(incident: str) -> dict:
	"""What a sweep does to an overrun leg, then waits with the row locked: the parent says whether this
	"sweep" commits or loses (rolled back, as a deadlock's victim is)."""
	frappe.db.sql(
		"""update `tabITIL Incident Leg` set breached = 1 where incident = %s and outcome = 'Open'""",
		incident,
	)
	print("marked", flush=True)
	if sys.stdin.readline().strip() == "rollback":
		frappe.db.rollback()
	return {}


def _escalate(incident: str, at: str) -> dict:
	from itil_crm.service_level import site_time

	doc = frappe.get_doc("ITIL Incident", incident)  # as a sweep loads it: before the other one's mark
	print("escalating", flush=True)
	with site_time.frozen(dt.datetime.fromisoformat(at)):
		doc.escalate(reason="needs L2")
	return {}


JOBS = {
	"sweep": _sweep,
	"deliver": _deliver,
	"retry_due": _retry_due,
	"mark_legs": _mark_legs,
	"escalate": _escalate,
}


def child(site: str, job: str, kwargs: str) -> None:
	"""A process of its own: connect, say ready, wait for go, run the job, commit."""
	frappe.init(site=site, sites_path=os.getcwd())
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		print("ready", flush=True)
		sys.stdin.readline()
		result = JOBS[job](**json.loads(kwargs))
		frappe.db.commit()
		print("done", json.dumps(result), flush=True)
	except BaseException:
		frappe.db.rollback()
		raise
	finally:
		frappe.destroy()


def start(job: str, **kwargs) -> subprocess.Popen:
	process = subprocess.Popen(
		[sys.executable, "-c", CHILD, frappe.local.site, job, json.dumps(kwargs)],
		cwd=frappe.local.sites_path,
		stdin=subprocess.PIPE,
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
	)
	return process


def expect(process: subprocess.Popen, line: str) -> None:
	got = process.stdout.readline().strip()
	if got != line:
		process.kill()
		_out, err = process.communicate(timeout=30)
		raise AssertionError(f"child said {got!r} instead of {line!r}: {err[-3000:]}")


def go(process: subprocess.Popen) -> None:
	process.stdin.write("go\n")
	process.stdin.flush()


def finish(process: subprocess.Popen, timeout: int = 180, deadlock_ok: bool = False) -> str:
	"""The child's output; ``deadlock_ok``: a child chosen as a deadlock's victim (its transaction rolled
	back whole, as a scheduled job's would be) is an outcome, not a failure."""
	out, err = process.communicate(timeout=timeout)
	if deadlock_ok and process.returncode != 0 and "QueryDeadlockError" in err:
		return "deadlock"
	if process.returncode != 0:
		raise AssertionError(f"child failed ({process.returncode}): {err[-3000:]}")
	return out


def together(*jobs: tuple[str, dict], deadlock_ok: bool = False) -> list[str]:
	"""Start the jobs in their own processes, connected and ready, then let them go at once."""
	processes = [start(job, **kwargs) for job, kwargs in jobs]
	try:
		for p in processes:
			expect(p, "ready")
		for p in processes:
			go(p)
		return [finish(p, deadlock_ok=deadlock_ok) for p in processes]
	finally:
		stop(processes)


def stop(processes) -> None:
	"""Kill the children still running (a failed expectation leaves them waiting)."""
	for p in processes:
		if p.poll() is None:
			p.kill()
			p.wait()


# ------------------------------------------------------------------ committed records, removed after


class Made:
	"""The records of one test (committed), removed by :meth:`remove` whatever happened."""

	def __init__(self):
		self.tag = random_string(6)
		self.started = now_datetime()
		self.docs: list[tuple[str, str]] = []
		self.incidents: list[str] = []
		self.users: list[str] = []

	def add(self, values: dict):
		"""Inserted and committed at once. A support group adds its column to the board by group, which
		another process may have just changed (a stale read of this transaction): tried again afresh."""
		for attempt in range(3):
			try:
				doc = frappe.get_doc(dict(values)).insert(ignore_permissions=True)
				break
			except frappe.TimestampMismatchError:
				frappe.db.rollback()
				if attempt == 2:
					raise
		self.docs.append((doc.doctype, doc.name))
		frappe.db.commit()
		return doc

	def user(self) -> str:
		"""A group lead (committed: Frappe's limit of users created per hour is not for fixtures)."""
		previous, frappe.flags.in_import = frappe.flags.in_import, True
		try:
			user = user_with_roles("ITIL Support Engineer", prefix="itil-jobs")
		finally:
			frappe.flags.in_import = previous
		self.users.append(user)
		return user

	def service_level(self, auto_escalate: float = 50, escalates: bool = True) -> str:
		"""A 24x7 calendar, an SLA valid in 2021 only (the first default then), an L1 group with an
		OLA of one hour that escalates to an L2 group, their leads; the L1 group's name."""
		from itil_crm.tests.utils import first_selection_order

		lead = self.user()
		calendar = self.add(
			{
				"doctype": "ITIL Service Calendar",
				"calendar_name": f"_Test Jobs 24x7 {self.tag}",
				"timezone": "UTC",
				"is_24x7": 1,
			}
		).name

		def agreement(kind, response, resolution, **kw):
			return self.add(
				{
					"doctype": "ITIL Service Agreement",
					"agreement_name": f"_Test Jobs {kind} {self.tag}",
					"agreement_type": kind,
					"service_calendar": calendar,
					"warning_thresholds": "50, 75, 100",
					"targets": [
						{"priority": p, "response_time": response, "resolution_time": resolution}
						for p in ("P1 Critical", "P2 High", "P3 Moderate", "P4 Low", "P5 Planning")
					],
					**kw,
				}
			).name

		agreement(
			"SLA",
			2 * 3600,
			8 * 3600,
			is_default=1,
			selection_order=first_selection_order(),
			valid_from="2021-01-01",
			valid_until="2021-12-31",
			auto_escalate_at=auto_escalate,
		)
		l2 = self.add(
			{"doctype": "ITIL Support Group", "group_name": f"_Test Jobs L2 {self.tag}", "tier": 2}
		).name
		l1 = self.add(
			{
				"doctype": "ITIL Support Group",
				"group_name": f"_Test Jobs L1 {self.tag}",
				"tier": 1,
				"group_lead": lead,
				"escalation_group": l2 if escalates else None,
			}
		).name
		ola = agreement("OLA", 3600, 3600, support_group=l1)
		frappe.db.set_value("ITIL Support Group", l1, "service_agreement", ola)
		return l1

	def incident(self, group: str, **kw) -> str:
		from itil_crm.service_level import site_time

		with site_time.frozen(OPENED):
			doc = frappe.get_doc(
				{
					"doctype": "ITIL Incident",
					"subject": f"_Test jobs {self.tag} {random_string(4)}",
					"impact": "Medium",
					"urgency": "Medium",
					"support_group": group,
					**kw,
				}
			).insert(ignore_permissions=True)
		self.incidents.append(doc.name)
		return doc.name

	def alerts(self, **filters) -> list:
		return frappe.get_all(
			"ITIL SLA Alert",
			filters={"incident": ["in", self.incidents], **filters},
			fields=["name", "incident", "clock", "threshold", "pending_delivery"],
		)

	def remove(self) -> None:
		frappe.db.rollback()
		incidents = self.incidents or [""]
		alerts = frappe.get_all("ITIL SLA Alert", {"incident": ["in", incidents]}, pluck="name") or [""]
		exchanges = frappe.get_all("ITIL Supplier Exchange", {"incident": ["in", incidents]}, pluck="name")
		queued = frappe.get_all(
			"Email Queue",
			{"reference_doctype": "ITIL SLA Alert", "reference_name": ["in", alerts]},
			pluck="name",
		)
		if queued:
			frappe.db.delete("Email Queue Recipient", {"parent": ["in", queued]})
			frappe.db.delete("Email Queue", {"name": ["in", queued]})
		for doctype, names in (("ITIL SLA Alert", alerts), ("ITIL Incident", incidents)):
			comms = frappe.get_all(
				"Communication", {"reference_doctype": doctype, "reference_name": ["in", names]}, pluck="name"
			)
			if comms:
				frappe.db.delete("Communication Link", {"parent": ["in", comms]})
				frappe.db.delete("Communication", {"name": ["in", comms]})
			frappe.db.delete("Notification Log", {"document_type": doctype, "document_name": ["in", names]})
			frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": ["in", names]})
		frappe.db.delete(
			"Notification Log",
			{"document_type": "ITIL Supplier Exchange", "document_name": ["in", exchanges or [""]]},
		)
		for name in exchanges:
			frappe.delete_doc("ITIL Supplier Exchange", name, force=True, ignore_permissions=True)
		frappe.db.delete("ITIL SLA Alert", {"name": ["in", alerts]})
		for name in self.incidents:
			if frappe.db.exists("ITIL Incident", name):
				frappe.delete_doc("ITIL Incident", name, force=True, ignore_permissions=True)
		groups = [name for doctype, name in self.docs if doctype == "ITIL Support Group"] or [""]
		frappe.db.delete("Kanban Board Column", {"parenttype": "Kanban Board", "column_name": ["in", groups]})
		# the site has no default outgoing account: each email the job makes is logged as not sent
		frappe.db.delete(
			"Error Log",
			{"creation": [">=", self.started], "error": ["like", f"%_Test Jobs L1 {self.tag}%"]},
		)
		for doctype, name in reversed(self.docs):
			if doctype == "ITIL Support Group":
				frappe.db.set_value(doctype, name, {"service_agreement": None, "escalation_group": None})
		for doctype, name in reversed(self.docs):
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		for user in self.users:
			frappe.db.delete("Notification Log", {"for_user": user})
			if frappe.db.exists("User", user):
				frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		frappe.db.commit()


def settle(made: "Made", at: dt.datetime = SWEEP_AT) -> None:
	"""Sweep again while some of the test's incidents are still due: another process's sweep (a test
	elsewhere on the site, rolled back later) may hold them, and ``skip locked`` leaves them to the next
	run, as the scheduler would."""
	from itil_crm.service_level import site_time

	for _attempt in range(5):
		frappe.db.rollback()
		due = frappe.db.count(
			"ITIL Incident", {"name": ["in", made.incidents], "next_sla_check": ["<=", site_time.naive(at)]}
		)
		# a leg skipped by one sweep (locked by the other, which then lost a deadlock and rolled back)
		# is still unmarked: the next run takes it, whatever its incident's next check
		legs_due = frappe.db.count(
			"ITIL Incident Leg",
			{
				"incident": ["in", made.incidents],
				"outcome": "Open",
				"breached": 0,
				"due_by": ["<=", site_time.naive(at)],
			},
		)
		if not (due or legs_due):
			return
		together(("sweep", {"at": at.isoformat()}))


class TestJobConcurrency(FrappeTestCase):
	def setUp(self):
		self.made = Made()

	def tearDown(self):
		self.made.remove()

	def per_clock(self) -> dict:
		counts: dict = {}
		for a in self.made.alerts():
			counts[(a.incident, a.clock)] = counts.get((a.incident, a.clock), 0) + 1
		return counts

	def escalations(self, name: str) -> list:
		return frappe.get_all(
			"ITIL Escalation",
			filters={"incident": name},
			fields=["escalation_type", "trigger", "threshold"],
			order_by="creation",
		)

	def test_two_sweeps_at_once_raise_every_alert_and_escalation_once(self):
		group = self.made.service_level()
		names = [self.made.incident(group) for _ in range(12)]
		frappe.db.commit()
		together(
			("sweep", {"at": SWEEP_AT.isoformat()}), ("sweep", {"at": SWEEP_AT.isoformat()}), deadlock_ok=True
		)
		settle(self.made)
		expected = {(n, clock): 1 for n in names for clock in ("Response", "Resolution", "OLA")}
		self.assertEqual(self.per_clock(), expected)
		for name in names:
			incident = frappe.db.get_value(
				"ITIL Incident", name, ["sla_status", "sla_notified", "support_group"], as_dict=True
			)
			self.assertEqual(incident.sla_status, "Breached", name)  # the response clock
			self.assertEqual(set(incident.sla_notified.split(",")), NOTIFIED)
			self.assertNotEqual(incident.support_group, group)  # escalated to L2, once
			rows = self.escalations(name)
			self.assertEqual(sorted((r.escalation_type, r.trigger) for r in rows), [
				("Functional", "Automatic"), ("Hierarchical", "Automatic"), ("Hierarchical", "Automatic")
			])  # fmt: skip
			legs = frappe.get_all(
				"ITIL Incident Leg", {"incident": name}, ["breached", "outcome"], order_by="idx"
			)
			self.assertEqual(legs[0].breached, 1)
		# a third sweep a minute later has nothing new to say
		together(("sweep", {"at": (SWEEP_AT + dt.timedelta(minutes=1)).isoformat()}))
		frappe.db.rollback()
		self.assertEqual(self.per_clock(), expected)

	def test_an_agent_saving_during_a_sweep_loses_nothing_and_doubles_nothing(self):
		from itil_crm.service_level import site_time

		group = self.made.service_level(escalates=False)  # no functional escalation: no save by the sweep
		name = self.made.incident(group)
		frappe.db.commit()
		form = frappe.get_doc("ITIL Incident", name)  # the agent opened the form before the sweep
		sweep = start("sweep", at=SWEEP_AT.isoformat(), hold=True)
		saved: list = []
		site, sites_path = frappe.local.site, frappe.local.sites_path

		def agent():
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.set_user("Administrator")
				with site_time.frozen(SWEEP_AT + dt.timedelta(seconds=30)):
					form.description = "Agent: the customer restarted the router"
					form.save(ignore_permissions=True)  # waits for the sweep's lock on the row
				frappe.db.commit()
				saved.append("saved")
			except Exception as e:
				frappe.db.rollback()
				saved.append(e)
			finally:
				frappe.destroy()

		try:
			expect(sweep, "ready")
			go(sweep)
			expect(sweep, "state-written")  # the sweep holds the incident's row, nothing committed
			thread = threading.Thread(target=agent)
			thread.start()
			thread.join(timeout=2)  # the agent's save is now waiting for the row
			self.assertTrue(thread.is_alive(), saved)
			sweep.stdin.write("continue\n")
			sweep.stdin.flush()
			finish(sweep)
			thread.join(timeout=60)
		finally:
			if sweep.poll() is None:
				sweep.kill()
				sweep.wait()
		self.assertEqual(saved, ["saved"])
		frappe.db.rollback()
		incident = frappe.get_doc("ITIL Incident", name)
		self.assertEqual(incident.description, "Agent: the customer restarted the router")
		self.assertEqual(incident.sla_status, "Breached")
		self.assertEqual(set(incident.sla_notified.split(",")), NOTIFIED)
		self.assertEqual(legs_of(incident.name)[0].breached, 1)
		self.assertEqual(self.per_clock(), {(name, c): 1 for c in ("Response", "Resolution", "OLA")})
		rows = self.escalations(name)
		self.assertEqual([r.escalation_type for r in rows], ["Hierarchical", "Hierarchical"])
		# the next sweeps raise nothing again
		together(("sweep", {"at": (SWEEP_AT + dt.timedelta(minutes=1)).isoformat()}))
		frappe.db.rollback()
		self.assertEqual(self.per_clock(), {(name, c): 1 for c in ("Response", "Resolution", "OLA")})
		self.assertEqual(len(self.escalations(name)), 2)

	def test_an_escalation_waiting_on_a_sweeps_leg_mark_alerts_the_breach_only_if_the_sweep_lost(self):
		"""Two sweeps at once: one marks an overrun L1 leg while the other escalates the incident (which
		closes that leg, breached). If the marking sweep then loses a deadlock and rolls back, the breach
		was recorded by the escalation alone: the escalation must alert it. If the marking sweep commits,
		it alerted the breach: the escalation must not alert it again."""
		group = self.made.service_level(auto_escalate=0)
		lost, won = self.made.incident(group), self.made.incident(group)
		frappe.db.commit()
		for name, ending in ((lost, "rollback"), (won, "commit")):
			marker = start("mark_legs", incident=name)
			escalation = start("escalate", incident=name, at=SWEEP_AT.isoformat())
			try:
				expect(marker, "ready")
				go(marker)
				expect(marker, "marked")
				expect(escalation, "ready")
				go(escalation)
				expect(escalation, "escalating")
				# its save locks the incident's rows (Frappe reads them for update), legs included, and waits
				# for the marking "sweep"; the outcome does not depend on this pause, only the path taken
				time.sleep(1)
				marker.stdin.write(ending + "\n")
				marker.stdin.flush()
				finish(marker)
				finish(escalation)
			finally:
				stop((marker, escalation))
		frappe.db.rollback()
		# the marking "sweep" raises no alert itself here: the one alert is the escalation's
		self.assertEqual([len(self.made.alerts(incident=n, clock="OLA")) for n in (lost, won)], [1, 0])
		for name in (lost, won):
			first_leg = frappe.get_all(
				"ITIL Incident Leg", {"incident": name}, ["breached", "outcome"], order_by="idx", limit=1
			)[0]
			self.assertEqual((first_leg.outcome, first_leg.breached), ("Escalated", 1))

	def test_two_deliveries_at_once_send_each_alert_once(self):
		if not frappe.db.get_value(
			"Notification", {"document_type": "ITIL SLA Alert", "channel": "Email", "enabled": 1}
		):
			self.skipTest("no enabled email notification on ITIL SLA Alert on this site")
		group = self.made.service_level()
		for _ in range(6):
			self.made.incident(group)
		frappe.db.commit()
		together(("sweep", {"at": SWEEP_AT.isoformat()}))
		settle(self.made)
		alerts = self.made.alerts()
		self.assertEqual(len(alerts), 18, self.per_clock())
		self.assertEqual({a.pending_delivery for a in alerts}, {1})
		together(("deliver", {}), ("deliver", {}))
		frappe.db.rollback()
		self.assertEqual({a.pending_delivery for a in self.made.alerts()}, {0})
		names = sorted(a.name for a in alerts)

		def sent(doctype):
			"""The alerts an email was made for (each email sent is recorded as a Communication of its
			alert; it is in the Email Queue too when the site has a default outgoing account)."""
			return sorted(
				frappe.get_all(
					doctype,
					filters={"reference_doctype": "ITIL SLA Alert", "reference_name": ["in", names]},
					pluck="reference_name",
				)
			)

		self.assertEqual(sent("Communication"), names)  # each alert's email once
		queued = sent("Email Queue")
		self.assertIn(queued, ([], names))
		together(("deliver", {}))
		frappe.db.rollback()
		self.assertEqual((sent("Communication"), sent("Email Queue")), (names, queued))

	def test_two_supplier_retry_sweeps_at_once_send_each_exchange_once(self):
		supplier = Supplier()
		try:
			l2 = self.made.add(
				{"doctype": "ITIL Support Group", "group_name": f"_Test Jobs L2 {self.made.tag}", "tier": 2}
			).name
			vendor = self.made.add(
				{
					"doctype": "ITIL Support Group",
					"group_name": f"_Test Jobs Vendor {self.made.tag}",
					"tier": 3,
					"is_external": 1,
				}
			).name
			self.made.add(
				{
					"doctype": "ITIL Supplier Connector",
					"support_group": vendor,
					"endpoint_url": supplier.url,
					"timeout_seconds": 5,
					"max_attempts": 3,
					"backoff_seconds": 0,
					"reference_path": "ticket.id",
				}
			)
			for _ in range(6):
				doc = frappe.get_doc(
					{
						"doctype": "ITIL Incident",
						"subject": f"_Test jobs {self.made.tag} {random_string(4)}",
						"impact": "Medium",
						"urgency": "Medium",
						"support_group": l2,
					}
				).insert(ignore_permissions=True)
				self.made.incidents.append(doc.name)
				doc.support_group = vendor
				doc.save(ignore_permissions=True)
			exchanges = frappe.get_all(
				"ITIL Supplier Exchange",
				{"incident": ["in", self.made.incidents]},
				["name", "idempotency_key"],
			)
			self.assertEqual(len(exchanges), 6)
			# due for a retry (their first send went nowhere)
			frappe.db.sql(
				"""update `tabITIL Supplier Exchange` set status = 'Retrying', next_attempt_at = %s
				where name in %s""",
				(add_to_date(now_datetime(), minutes=-1), [e.name for e in exchanges]),
			)
			frappe.db.commit()
			outcomes = together(("retry_due", {}), ("retry_due", {}), deadlock_ok=True)
			if "deadlock" in outcomes:
				together(("retry_due", {}))  # the next minute's run takes what the victim left
			frappe.db.rollback()
			keys = [r["headers"]["Idempotency-Key"] for r in supplier.received]
			for e in exchanges:
				self.assertEqual(keys.count(e.idempotency_key), 1, e.name)
				row = frappe.db.get_value(
					"ITIL Supplier Exchange", e.name, ["status", "attempts"], as_dict=True
				)
				self.assertEqual((row.status, row.attempts), ("Delivered", 1))
			together(("retry_due", {}))
			self.assertEqual(
				sorted(r["headers"]["Idempotency-Key"] for r in supplier.received), sorted(keys)
			)  # nothing sent again
		finally:
			supplier.close()
