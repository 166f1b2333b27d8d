"""Site benchmarks of the service-level layer, in a real Frappe site with itil_crm installed.

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_site.py --site SITE \
		[--inserts 1000] [--open 10000,100000] [--closed 0] [--due 0.01]

1. Insert cost: N ITIL Incidents through every hook (priority, agreement selection, event log, leg,
   clock) beside, in the same run, N bare frappe Notes, N inserts into a throwaway custom doctype with
   the same scalar fields and no hooks, N ERPNext Issues with an ERPNext SLA applied (where ERPNext is
   installed; the SLA is created for the run and removed after it) and N/10 Helpdesk HD Tickets with
   Helpdesk's default SLA (where Helpdesk is installed). Each is warmed up, timed and rolled back,
   in interleaved rounds (the median is printed). Then saves of existing records: N/2 of each made
   (untimed), then each read and saved three times (an incident taken In Progress, put On Hold, back
   In Progress; an Issue Replied, Open, Replied; a Note's title edited).
2. Sweep: N open incidents (plus optional closed ones) written with bulk SQL, a share of them due;
   time and SQL statement count of the sweep, then of a second sweep (which must send nothing).
Everything it creates is removed at the end (names start with BENCH-).
"""

import argparse
import datetime as dt
import gc
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager

import frappe

PLAIN = "ITIL Bench Plain Incident"
SETTLE_SECONDS = 2


@contextmanager
def counting_queries():
	counter = {"n": 0, "at": []}
	original = frappe.db.sql

	def sql(*args, **kwargs):
		counter["n"] += 1
		counter["at"].append(time.perf_counter())
		return original(*args, **kwargs)

	frappe.db.sql = sql
	try:
		yield counter
	finally:
		frappe.db.sql = original


def make_plain_doctype():
	if frappe.db.exists("DocType", PLAIN):
		frappe.delete_doc("DocType", PLAIN, force=True)
	meta = frappe.get_meta("ITIL Incident")
	fields = [
		{k: df.get(k) for k in ("fieldname", "fieldtype", "label", "options")}
		for df in meta.fields
		if df.fieldtype not in ("Table", "Table MultiSelect", "Tab Break", "Section Break", "Column Break")
		and not df.fetch_from
	]
	frappe.get_doc(
		{
			"doctype": "DocType",
			"name": PLAIN,
			"module": "Incident Management",
			"custom": 1,
			"autoname": "hash",
			"fields": fields,
			"permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1}],
		}
	).insert()


def settle():
	"""Roll back, then let MariaDB purge what was rolled back: its purge threads would otherwise share
	the machine with whatever is timed next."""
	frappe.db.rollback()
	time.sleep(SETTLE_SECONDS)


def timed_inserts(n: int, make) -> float:
	"""Milliseconds per insert (after a warm-up), everything rolled back."""
	for i in range(min(10, n)):
		make(i)
	settle()
	t0 = time.perf_counter()
	for i in range(n):
		make(i)
	elapsed = time.perf_counter() - t0
	settle()
	return elapsed / n * 1000


@contextmanager
def erpnext_sla():
	"""An ERPNext Service Level Agreement on Issue (Monday-Friday 09:00-17:00, the default one), SLA
	tracking switched on for the run; all of it removed (and the setting restored) afterwards."""
	name, holidays = "BENCH SLA", "BENCH SLA Holidays"
	tracked = frappe.db.get_single_value("Support Settings", "track_service_level_agreement")
	today = dt.date.today()

	def remove():
		for sla in frappe.get_all("Service Level Agreement", {"service_level": name}, pluck="name"):
			frappe.delete_doc("Service Level Agreement", sla, force=True, ignore_permissions=True)
		if frappe.db.exists("Holiday List", holidays):
			frappe.delete_doc("Holiday List", holidays, force=True, ignore_permissions=True)

	remove()  # what an interrupted run left
	try:
		frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)
		frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": holidays,
				"from_date": today - dt.timedelta(days=400),
				"to_date": today + dt.timedelta(days=400),
				"holidays": [{"holiday_date": today + dt.timedelta(days=60), "description": "Holiday"}],
			}
		).insert(ignore_permissions=True)
		priorities = frappe.get_all("Issue Priority", pluck="name") or []
		for priority in ("Low", "Medium", "High"):
			if priority not in priorities:
				frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(
					ignore_permissions=True
				)
		frappe.get_doc(
			{
				"doctype": "Service Level Agreement",
				"service_level": name,
				"document_type": "Issue",
				"default_service_level_agreement": 1,
				"default_priority": "Medium",
				"enabled": 1,
				"holiday_list": holidays,
				"apply_sla_for_resolution": 1,
				"priorities": [
					{
						"priority": p,
						"response_time": r * 3600,
						"resolution_time": r * 4 * 3600,
						"default_priority": p == "Medium",
					}
					for p, r in (("Low", 8), ("Medium", 4), ("High", 1))
				],
				"support_and_resolution": [
					{"workday": d, "start_time": "09:00:00", "end_time": "17:00:00"}
					for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
				],
				"sla_fulfilled_on": [{"status": "Resolved"}, {"status": "Closed"}],
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		yield name
	finally:
		frappe.db.rollback()
		frappe.db.set_single_value("Support Settings", "track_service_level_agreement", tracked)
		remove()
		frappe.db.commit()


@contextmanager
def bench_group():
	"""A tier-1 support group with one active member and no automatic assignment, for the run: the
	incident's own hooks are measured (priority, agreement, event log, OLA leg, clock), not Frappe's
	Assignment Rule and ToDo machinery, which any doctype pays alike when a rule assigns it."""
	name = "BENCH Desk"
	if not frappe.db.exists("ITIL Support Group", name):
		frappe.get_doc(
			{
				"doctype": "ITIL Support Group",
				"group_name": name,
				"tier": 1,
				"assignment": "Off",
				"members": [{"user": "Administrator"}],
			}
		).insert()
		frappe.db.commit()
	with removed_after("ITIL Support Group", name):
		yield name


@contextmanager
def plain_doctype():
	make_plain_doctype()
	with removed_after("DocType", PLAIN):
		yield PLAIN


@contextmanager
def removed_after(doctype: str, name: str):
	"""Deleted (and committed) when the block ends, whatever the block left uncommitted."""
	try:
		yield
	finally:
		frappe.db.rollback()
		frappe.delete_doc(doctype, name, force=True)
		frappe.db.commit()


def timed_saves(n: int, make, edits) -> float:
	"""Milliseconds per save of an existing record (``n`` made first, untimed; each then read and saved
	once per edit), everything rolled back."""
	names = [make(i).name for i in range(n)]
	doctype = make(0).doctype
	time.sleep(SETTLE_SECONDS)
	t0 = time.perf_counter()
	for i, name in enumerate(names):
		for edit in edits:
			doc = frappe.get_doc(doctype, name)
			edit(doc, i)
			doc.save()
	elapsed = time.perf_counter() - t0
	settle()
	return elapsed / (n * len(edits)) * 1000


def bench_inserts(n: int, rounds: int = 5):
	"""Inserts, then saves of existing records, of each kind through its document API with every hook, in
	the same run: ``rounds`` rounds that take each kind in turn (so a drift of the machine touches them all
	alike), the median kept. The saves are a typical day of a record: three edits (for an incident: taken
	In Progress, put On Hold, back In Progress; for an Issue: Replied, Open, Replied)."""
	values = {"subject": "Bench", "impact": "Medium", "urgency": "Medium", "channel": "Email"}
	installed = frappe.get_installed_apps()
	queued = frappe.cache.llen("global_search_queue")

	def status(value):
		def edit(doc, i):
			doc.status = value

		return edit

	def title(doc, i):
		doc.title = f"{doc.title} edited"

	with ExitStack() as stack:
		plain = stack.enter_context(plain_doctype())
		group = stack.enter_context(bench_group())
		kinds = [
			(
				"bare frappe Note",
				n,
				lambda i: frappe.get_doc({"doctype": "Note", "title": f"Bench {i}"}).insert(),
				[title, title, title],
			),
			(
				"custom doctype, ITIL fields, no hooks",
				n,
				lambda i: frappe.get_doc({"doctype": plain, **values}).insert(),
				[],
			),
			(
				"ITIL Incident, every hook",
				n,
				lambda i: frappe.get_doc(
					{"doctype": "ITIL Incident", "support_group": group, **values}
				).insert(),
				[status("In Progress"), status("On Hold"), status("In Progress")],
			),
		]
		if "erpnext" in installed:
			stack.enter_context(erpnext_sla())
			kinds.append(
				(
					"ERPNext Issue + SLA",
					n,
					lambda i: frappe.get_doc(
						{"doctype": "Issue", "subject": "Bench", "priority": "Medium"}
					).insert(),
					[status("Replied"), status("Open"), status("Replied")],
				)
			)
		if "helpdesk" in installed:
			kinds.append(
				(
					"Helpdesk HD Ticket + SLA",
					max(rounds * 4, n // 10),
					lambda i: frappe.get_doc(
						{
							"doctype": "HD Ticket",
							"subject": "Bench",
							"raised_by": "bench@example.com",
							"description": "Bench",
						}
					).insert(),
					[],
				)
			)
		# every kind's modules imported and caches warm, then the heap frozen out of the garbage
		# collector's way, as Frappe's web and job workers do after their imports (FRAPPE_TUNE_GC)
		for _label, _count, make, _edits in kinds:
			make(0)
		settle()
		gc.collect()
		gc.freeze()
		inserts = {label: [] for label, *_rest in kinds}
		saves = {label: [] for label, _count, _make, edits in kinds if edits}
		for _round in range(rounds):
			for label, count, make, edits in kinds:
				inserts[label].append(timed_inserts(max(1, count // rounds), make))
				if edits:
					saves[label].append(timed_saves(max(1, count // rounds // 2), make, edits))
	# the global search entries of the rolled-back records (the newest of the queue): not for the search
	added = frappe.cache.llen("global_search_queue") - queued
	if added > 0:
		frappe.cache.ltrim("global_search_queue", added, -1)
	for title_, measured, unit in (
		("inserts", inserts, "insert"),
		("saves of existing records", saves, "save"),
	):
		note = statistics.median(measured["bare frappe Note"])
		print(f"{title_}, milliseconds per {unit} (median of {rounds} interleaved rounds), same run:")
		for label, times in measured.items():
			ms = statistics.median(times)
			spread = " ".join(f"{t:.2f}" for t in times)
			print(f"  {label:<40}{ms:>8.2f} ms{ms / note:>8.2f}x a bare Note   (rounds: {spread})")


def seed(n_open: int, n_closed: int, due_share: float, now: dt.datetime):
	"""Open incidents opened over the last 10 days; ``due_share`` of them due for a check now."""
	from itil_crm.service_level import site_time

	agreement = frappe.db.get_value(
		"ITIL Service Agreement", {"agreement_type": "SLA", "is_default": 1}, "name"
	)
	naive_now = site_time.naive(now)
	inc_fields = [
		"name", "subject", "status", "impact", "urgency", "priority", "service_agreement", "sla_status",
		"opened_on", "next_sla_check", "creation", "modified", "owner", "modified_by", "docstatus", "naming_series",
	]  # fmt: skip
	ev_fields = [
		"name",
		"incident",
		"idx",
		"event_type",
		"at",
		"value",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
	]
	incidents, events = [], []
	due_every = max(1, round(1 / due_share)) if due_share else 0
	for i in range(n_open + n_closed):
		name = f"BENCH-{i:07d}"
		opened = naive_now - dt.timedelta(minutes=(i * 7) % (10 * 24 * 60))
		closed = i >= n_open
		due = not closed and due_every and i % due_every == 0
		check = (
			None
			if closed
			else (naive_now - dt.timedelta(minutes=1) if due else naive_now + dt.timedelta(days=30))
		)
		incidents.append(
			(name, "Bench", "Closed" if closed else "In Progress", "Medium", "Medium", "P3 Moderate", agreement,
			 "Met" if closed else "On Track", opened, check, opened, opened, "Administrator", "Administrator", 0, "INC-.YYYY.-")
		)  # fmt: skip
		if closed:
			continue
		for idx, (kind, value) in enumerate(
			(("opened", None), ("agreement", agreement), ("priority", "P3 Moderate")), 1
		):
			events.append(
				(
					f"{name}-{idx}",
					name,
					idx,
					kind,
					opened,
					value,
					opened,
					opened,
					"Administrator",
					"Administrator",
					0,
				)
			)
	t0 = time.perf_counter()
	frappe.db.bulk_insert("ITIL Incident", inc_fields, incidents, chunk_size=5000)
	frappe.db.bulk_insert("ITIL SLA Event", ev_fields, events, chunk_size=10000)
	frappe.db.commit()
	return time.perf_counter() - t0


def cleanup():
	frappe.db.sql("delete from `tabITIL SLA Alert` where incident like 'BENCH-%%'")
	for history in ("ITIL SLA Event", "ITIL Escalation", "ITIL Incident Leg"):
		frappe.db.delete(history, {"incident": ["like", "BENCH-%"]})
	frappe.db.sql("delete from `tabITIL Incident` where name like 'BENCH-%%'")
	frappe.db.commit()


def bench_sweep(n_open: int, n_closed: int, due_share: float):
	from itil_crm.engines.lifecycle import OPEN_STATUSES
	from itil_crm.service_level import site_time
	from itil_crm.service_level.sweep import run_sweep

	cleanup()
	now = site_time.now()
	load = seed(n_open, n_closed, due_share, now)
	due = frappe.db.count(
		"ITIL Incident", {"name": ["like", "BENCH-%"], "next_sla_check": ["<=", site_time.naive(now)]}
	)
	# the site's own incidents due now are swept too: one batch takes them all, so the second sweep
	# must find nothing
	due_on_site = frappe.db.count(
		"ITIL Incident",
		{
			"next_sla_check": ["<=", site_time.naive(now)],
			"status": ["in", OPEN_STATUSES],
		},
	)
	plan = frappe.db.sql(
		"""explain select name from `tabITIL Incident`
		where next_sla_check <= %s and status in ('New', 'Assigned', 'In Progress', 'On Hold')
		order by next_sla_check limit 5000""",
		site_time.naive(now),
		as_dict=True,
	)
	print("plan of the due query (key, rows examined, extra):", [(r.key, r.rows, r.Extra) for r in plan])
	for label in ("first sweep", "second sweep"):
		with counting_queries() as q:
			t0 = time.perf_counter()
			stats = run_sweep(now=now, batch=max(due_on_site, 1))
			elapsed = time.perf_counter() - t0
		frappe.db.commit()
		mark = stats["state_done_at"]
		state_queries = sum(1 for t in q["at"] if t <= mark)
		state_seconds = mark - t0
		print(
			f"sweep, {n_open:,} open + {n_closed:,} closed, {due:,} due (loaded in {load:.1f} s): {label}: "
			f"{elapsed:.2f} s and {q['n']} SQL statements in all; finding, recomputing and writing the "
			f"clocks {state_seconds:.2f} s in {state_queries} statements; {stats['incidents']} incidents, "
			f"{stats['alerts']} alerts sent ({q['n'] - state_queries} statements to deliver them)"
		)
	cleanup()


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--inserts", type=int, default=1000)
	parser.add_argument("--open", default="10000,100000")
	parser.add_argument("--closed", type=int, default=0)
	parser.add_argument("--due", type=float, default=0.01)
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.flags.mute_emails = True
	try:
		if args.inserts:
			bench_inserts(args.inserts)
		for n in filter(None, args.open.split(",")):
			bench_sweep(int(n), args.closed, args.due)
	finally:
		cleanup()
		frappe.destroy()


if __name__ == "__main__":
	sys.exit(main())
