"""Ticket -> incident bridge and duplicate lookup, in a real site with itil_crm and Helpdesk / ERPNext.

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_tickets.py --site SITE \
		[--tickets 1000] [--open 1000,100000]

1. Intake overhead: N HD Tickets (and N ERPNext Issues) inserted with automatic intake Off, then On
   (type Incident); the cost each ticket pays for its incident, and SQL statements per ticket.
   Peers in the same run: the ticket insert itself (Helpdesk's and ERPNext's own hooks and SLA).
2. Duplicate lookup with 1,000 and 100,000 open incidents (bulk-written, committed so that the
   FULLTEXT index sees them): time per lookup and its growth.
Every write of part 1 is rolled back; part 2's rows (named BENCH-DUP-) are deleted at the end.
"""

import argparse
import sys
import time

import frappe
from frappe.utils import now_datetime, random_string

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench_site import counting_queries


def set_intake(doctype, mode):
	settings = frappe.get_single("ITIL Settings")
	row = next((r for r in settings.ticket_intake if r.source_doctype == doctype), None)
	row = row or settings.append("ticket_intake", {"source_doctype": doctype})
	row.mode, row.automatic_types = mode, "Incident"
	settings.save()
	frappe.clear_document_cache("ITIL Settings", "ITIL Settings")


def insert_tickets(doctype, n, type_field):
	with counting_queries() as q:
		t0 = time.perf_counter()
		for i in range(n):
			frappe.get_doc(
				{
					"doctype": doctype,
					"subject": f"Bench ticket {i} {random_string(6)}",
					"raised_by": f"bench{i % 50}@bench.example",
					type_field: "Incident",
					"description": "Bench",
				}
			).insert(ignore_permissions=True)
		elapsed = time.perf_counter() - t0
	return elapsed, q["n"]


def bench_intake(n):
	if n <= 0:
		return
	for doctype, app, type_field in (
		("HD Ticket", "helpdesk", "ticket_type"),
		("Issue", "erpnext", "issue_type"),
	):
		if app not in frappe.get_installed_apps():
			print(f"{doctype}: {app} not installed, skipped")
			continue
		set_intake(doctype, "Off")
		off, off_q = insert_tickets(doctype, n, type_field)
		frappe.db.rollback()
		set_intake(doctype, "Automatic")
		on, on_q = insert_tickets(doctype, n, type_field)
		raised = frappe.db.count(
			"ITIL Incident", {"source_type": doctype, "subject": ["like", "Bench ticket%"]}
		)
		frappe.db.rollback()
		print(
			f"{doctype} x {n}: intake off {off / n * 1000:.1f} ms, {off_q / n:.1f} statements a ticket; "
			f"on {on / n * 1000:.1f} ms, {on_q / n:.1f} statements; the bridge adds "
			f"{(on - off) / n * 1000:.1f} ms and {(on_q - off_q) / n:.1f} statements a ticket "
			f"({raised} incidents raised)"
		)


def bench_duplicates(sizes, lookups=200):
	from itil_crm.incident_management.duplicates import find

	frappe.db.sql("delete from `tabITIL Incident` where name like 'BENCH-DUP-%%'")
	frappe.db.commit()
	have = 0
	base = {}
	for size in sizes:
		if size > have:
			bulk_open_more(have, size)
			have = size
		for label, caller in (
			("a caller with 2 open incidents", "bench-caller-7"),
			("a caller with 3 of every 1,000", "bench-heavy"),
		):
			probe = frappe._dict(
				name="BENCH-PROBE", subject="printer network issue on floor 3", caller=caller,
				customer=None, customer_type=None, configuration_item=None, opened_on=now_datetime(),
			)  # fmt: skip
			find(probe)  # warm
			with counting_queries() as q:
				t0 = time.perf_counter()
				for _ in range(lookups):
					found = find(probe)
				each = (time.perf_counter() - t0) / lookups
			base.setdefault(label, each)
			print(
				f"duplicate lookup, {size:,} open incidents, {label}: {each * 1000:.2f} ms, "
				f"{q['n'] / lookups:.0f} statement(s), {len(found)} above the threshold; "
				f"x{each / base[label]:.2f} the first size"
			)
		bench_portal_list(size, base, lookups)
	frappe.db.sql("delete from `tabITIL Incident` where name like 'BENCH-DUP-%%'")
	frappe.db.commit()


def bench_portal_list(size, base, lookups):
	"""The portal's list for a customer's contact: the query with the permission condition that
	customer_portal builds (their contact as caller, or their customer), newest 21 open."""
	from itil_crm.customer_portal.access import Scope, condition

	scope = Scope("bench", contacts=["bench-caller-7"], customers=[("Customer", "bench-cust-7")])
	query = f"""select name, subject, status, priority, opened_on from `tabITIL Incident`
		where {condition(scope)} and status not in ('Resolved', 'Closed', 'Cancelled')
		order by opened_on desc, name desc limit 21"""
	rows = frappe.db.sql(query)  # warm
	t0 = time.perf_counter()
	for _ in range(lookups):
		frappe.db.sql(query)
	each = (time.perf_counter() - t0) / lookups
	base.setdefault("portal", each)
	print(
		f"portal list, {size:,} open incidents (this customer: {size // 500:,}): {each * 1000:.2f} ms, "
		f"{len(rows)} rows shown; x{each / base['portal']:.2f} the first size"
	)


def bulk_open_more(start, end):
	now = now_datetime()
	words = ["printer", "network", "invoice", "login", "portal", "database", "backup", "vpn", "mail", "disk"]
	for chunk_start in range(start, end, 5000):
		chunk = range(chunk_start, min(chunk_start + 5000, end))
		values = []
		for i in chunk:
			values += [
				f"BENCH-DUP-{i:07d}",
				f"{words[i % 10]} {words[(i // 10) % 10]} issue {i}",
				now,
				"bench-heavy" if i % 1000 < 3 else f"bench-caller-{i // 2}",
				f"bench-cust-{i % 500}",
			]
		frappe.db.sql(
			"""insert into `tabITIL Incident` (name, subject, opened_on, caller, status, creation, modified,
				owner, modified_by, docstatus, impact, urgency, priority, customer, customer_type) values """
			+ ", ".join(
				[
					"(%s, %s, %s, %s, 'In Progress', now(), now(), 'Administrator', 'Administrator', 0, 'Medium', 'Medium', 'P3 Moderate', %s, 'Customer')"
				]
				* len(chunk)
			),
			values,
		)
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--tickets", type=int, default=1000)
	parser.add_argument("--open", default="1000,100000")
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		bench_intake(args.tickets)
		bench_duplicates([int(x) for x in args.open.split(",")])
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
