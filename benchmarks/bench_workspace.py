"""The ITIL workspace's number cards and charts on a site with many incidents (issue 12: each within
300 ms).

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_workspace.py --site SITE [--open 100000]

Writes N open incidents (a share breached, a share due within the hour, a share P1 / P2, the rest in
every status) with bulk SQL, then times every number card of the ITIL workspace as the desk asks for it
(``number_card.get_result`` through ``frappe.get_list`` for a Document Type card, the card's method for
a Custom one), every chart recomputed (not from its cache) and the desk's reports (MTTR and first
response, backlog ageing) as the desk runs them: the median of 7 runs. Each incident gets a level 1
leg, and a third of them a level 2 one, for the per-tier chart. Everything it writes is removed.
"""

import argparse
import statistics
import sys
import time

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.desk.query_report import run

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench_site import cleanup, seed


def card_value(doc):
	if doc.type == "Custom":
		return frappe.get_attr(doc.method)()["value"]
	return get_result(doc.as_dict(), doc.filters_json)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--open", type=int, default=100_000)
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	from itil_crm.service_desk.workspace_charts import chart_data
	from itil_crm.service_level import site_time

	try:
		cleanup()
		load = seed(args.open, 0, 0.01, site_time.now())
		# spread the seeded incidents over statuses, SLA states, priorities and due dates
		frappe.db.sql(
			"""update `tabITIL Incident` set
				status = elt(1 + mod(crc32(name), 4), 'New', 'Assigned', 'In Progress', 'On Hold'),
				sla_status = if(mod(crc32(name), 10) = 0, 'Breached', 'On Track'),
				priority = if(mod(crc32(name), 7) = 0, 'P2 High', priority),
				resolution_by = %s + interval mod(crc32(name), 2880) minute
			where name like %s""",
			(site_time.naive(site_time.now()), "BENCH-%"),
		)
		# the legs the per-tier chart reads: level 1 for all, escalated to level 2 for a third
		for tier, where, outcome in (
			(1, "", "if(mod(crc32(name), 3) = 0, 'Escalated', if(status = 'New', 'Open', 'Resolved'))"),
			(2, "and mod(crc32(name), 3) = 0", "if(mod(crc32(name), 2) = 0, 'Resolved', 'Open')"),
		):
			frappe.db.sql(
				f"""insert into `tabITIL Incident Leg` (name, incident, idx, tier, outcome, assigned_on,
					creation, modified, owner, modified_by, docstatus)
				select concat(name, '-L{tier}'), name, {tier}, {tier}, {outcome}, opened_on,
					opened_on, opened_on, 'Administrator', 'Administrator', 0
				from `tabITIL Incident` where name like 'BENCH-%%' {where}"""
			)
		frappe.db.commit()
		total = frappe.db.count("ITIL Incident")
		print(f"{args.open:,} open incidents written in {load:.1f} s ({total:,} incidents on the site)")
		workspace = frappe.get_doc("Workspace", "ITIL")
		for row in workspace.number_cards:
			doc = frappe.get_doc("Number Card", row.number_card_name)
			times, result = [], None
			for _ in range(7):
				t0 = time.perf_counter()
				result = card_value(doc)
				times.append((time.perf_counter() - t0) * 1000)
			print(f"  {doc.label:<34}{result:>10,.0f}{statistics.median(times):>10.1f} ms")
		for row in workspace.charts:
			times = []
			for _ in range(7):
				t0 = time.perf_counter()
				data = chart_data(row.chart_name)
				times.append((time.perf_counter() - t0) * 1000)
			shown = sum(data["datasets"][0]["values"]) if data else 0
			print(f"  chart: {row.label:<27}{shown:>10,.0f}{statistics.median(times):>10.1f} ms")
		for report, filters in (
			("ITIL MTTR and First Response", {"group_by": "Priority"}),
			("ITIL MTTR and First Response", {"group_by": "Month"}),
			("ITIL Backlog Ageing", {"group_by": "Priority"}),
			("ITIL Backlog Ageing", {"group_by": "Support Group"}),
		):
			times = []
			for _ in range(7):
				t0 = time.perf_counter()
				out = run(report, filters=filters)
				times.append((time.perf_counter() - t0) * 1000)
			label = f"{report} by {filters['group_by']}"
			print(f"  report: {label:<40}{len(out['result']):>6} rows{statistics.median(times):>10.1f} ms")
	finally:
		cleanup()
		frappe.destroy()


if __name__ == "__main__":
	main()
