"""Site benchmarks of the service-level layer, in a real Frappe site with itil_crm installed.

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_site.py --site SITE \
		[--inserts 1000] [--open 10000,100000] [--closed 0] [--due 0.01]

1. Insert overhead: N ITIL Incidents through every hook (priority, agreement selection, event log,
   leg, clock) against N inserts into a throwaway custom doctype with the same scalar fields and no hooks.
2. Sweep: N open incidents (plus optional closed ones) written with bulk SQL, a share of them due;
   time and SQL statement count of the sweep, then of a second sweep (which must send nothing).
Everything it creates is removed at the end (names start with BENCH-).
"""

import argparse
import datetime as dt
import sys
import time
from contextlib import contextmanager

import frappe

PLAIN = "ITIL Bench Plain Incident"


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


def bench_inserts(n: int):
	make_plain_doctype()
	values = {"subject": "Bench", "impact": "Medium", "urgency": "Medium", "channel": "Email"}
	t0 = time.perf_counter()
	for _ in range(n):
		frappe.get_doc({"doctype": PLAIN, **values}).insert()
	plain = time.perf_counter() - t0
	frappe.db.rollback()
	group = frappe.db.get_value("ITIL Support Group", {"tier": 1}, "name")
	t0 = time.perf_counter()
	for _ in range(n):
		frappe.get_doc({"doctype": "ITIL Incident", "support_group": group, **values}).insert()
	full = time.perf_counter() - t0
	frappe.db.rollback()
	frappe.delete_doc("DocType", PLAIN, force=True)
	frappe.db.commit()
	print(
		f"inserts: {n} plain in {plain:.2f} s ({n / plain:,.0f}/s); {n} ITIL Incidents in {full:.2f} s ({n / full:,.0f}/s)"
	)
	print(f"insert overhead of the ITIL hooks: x{full / plain:.2f}")


def seed(n_open: int, n_closed: int, due_share: float, now: dt.datetime):
	"""Open incidents opened over the last 10 days; ``due_share`` of them due for a check now."""
	from itil_crm.service_level import time as T

	agreement = frappe.db.get_value(
		"ITIL Service Agreement", {"agreement_type": "SLA", "is_default": 1}, "name"
	)
	naive_now = T.naive(now)
	inc_fields = [
		"name", "subject", "status", "impact", "urgency", "priority", "service_agreement", "sla_status",
		"opened_on", "next_sla_check", "creation", "modified", "owner", "modified_by", "docstatus", "naming_series",
	]  # fmt: skip
	ev_fields = [
		"name",
		"parent",
		"parenttype",
		"parentfield",
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
					"ITIL Incident",
					"sla_events",
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
	for child in ("ITIL SLA Event", "ITIL Escalation", "ITIL Incident Leg"):
		frappe.db.sql(f"delete from `tab{child}` where parent like 'BENCH-%%'")
	frappe.db.sql("delete from `tabITIL Incident` where name like 'BENCH-%%'")
	frappe.db.commit()


def bench_sweep(n_open: int, n_closed: int, due_share: float):
	from itil_crm.service_level import time as T
	from itil_crm.service_level.sweep import run_sweep

	cleanup()
	now = T.now()
	load = seed(n_open, n_closed, due_share, now)
	due = frappe.db.count(
		"ITIL Incident", {"name": ["like", "BENCH-%"], "next_sla_check": ["<=", T.naive(now)]}
	)
	plan = frappe.db.sql(
		"""explain select name from `tabITIL Incident`
		where next_sla_check <= %s and status in ('New', 'Assigned', 'In Progress', 'On Hold')
		order by next_sla_check limit 5000""",
		T.naive(now),
		as_dict=True,
	)
	print("plan of the due query (key, rows examined, extra):", [(r.key, r.rows, r.Extra) for r in plan])
	for label in ("first sweep", "second sweep"):
		with counting_queries() as q:
			t0 = time.perf_counter()
			stats = run_sweep(now=now, batch=max(due, 1))
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
