"""Deadlines that follow their calendar (issue 23): what re-timing the open incidents of a calendar costs
on a site in use, beside what ERPNext needs for the same on its Issues.

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_retiming.py --site SITE \
		[--calendar NAME] [--issues 200]

On the site as it is (its own open incidents, their event logs and legs; nothing is made):

1. The calendar timing the most open incidents (or ``--calendar``) gets a holiday, as an admin adds one:
   the save itself (inline re-timing up to 200 incidents, else the job enqueued after commit), then the
   re-timing of every open incident on it as the job runs it (``retime``), with its statement count,
   then the same again (idempotent: nothing moves, nothing is written).
2. ERPNext does not re-time open Issues when a Holiday List or an SLA changes: each Issue gets its new
   deadlines at its next save. Its cost for the same job is one save per open Issue with an SLA, timed
   on up to ``--issues`` of them.

Everything runs in one transaction that is rolled back at the end: the site is left as it was.
"""

import argparse
import datetime as dt
import sys
import time

import frappe


def busiest_calendar() -> str | None:
	from frappe.query_builder.functions import Count

	from itil_crm.engines.lifecycle import OPEN_STATUSES

	inc, sla = frappe.qb.DocType("ITIL Incident"), frappe.qb.DocType("ITIL Service Agreement")
	rows = (
		frappe.qb.from_(inc)
		.join(sla)
		.on(sla.name == inc.service_agreement)
		.select(sla.service_calendar, Count("*").as_("n"))
		.where(inc.status.isin(OPEN_STATUSES))
		.groupby(sla.service_calendar)
		.orderby(frappe.qb.Field("n"), order=frappe.qb.desc)
		.limit(1)
	).run()
	return rows[0][0] if rows else None


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--calendar")
	parser.add_argument("--issues", type=int, default=200)
	args = parser.parse_args()
	sys.path.insert(0, __file__.rsplit("/", 1)[0])  # bench_site: the statement counter
	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	from bench_site import counting_queries

	from itil_crm.service_level import retiming

	try:
		calendar_name = args.calendar or busiest_calendar()
		if not calendar_name:
			sys.exit("no open incident has an SLA on this site")
		agreements = frappe.get_all(
			"ITIL Service Agreement", filters={"service_calendar": calendar_name}, pluck="name"
		)
		names = retiming.affected(agreements)
		print(f"calendar {calendar_name}: {len(agreements)} agreements, {len(names)} open incidents on it")
		calendar = frappe.get_doc("ITIL Service Calendar", calendar_name)
		taken = {str(row.holiday_date) for row in calendar.holidays}
		day = dt.date.today() + dt.timedelta(days=1)
		while str(day) in taken or day.weekday() >= 5:
			day += dt.timedelta(days=1)
		calendar.append("holidays", {"holiday_date": day, "description": "Benchmark holiday"})
		start = time.perf_counter()
		with counting_queries() as counter:
			calendar.save()
		statements = counter["n"]
		path = "inline" if len(names) <= retiming.INLINE else "job enqueued after commit"
		print(
			f"admin's save with a holiday on {day} ({path}): {time.perf_counter() - start:.2f} s, "
			f"{statements} statements"
		)
		reason = "benchmark"
		per_incident = []
		for run in ("re-timing (as the job runs it)", "again (idempotent)"):
			start = time.perf_counter()
			with counting_queries() as counter:
				moved = retiming.retime(names, reason)
			statements = counter["n"]
			took = time.perf_counter() - start
			per = took / len(names) * 1000 if names else 0
			per_incident.append(per)
			print(
				f"{run}: {len(names)} incidents, {moved} with a deadline moved, {took:.2f} s "
				f"({per:.1f} ms an incident), {statements} statements"
			)
		if "erpnext" in frappe.get_installed_apps():
			issues = frappe.get_all(
				"Issue",
				filters={"status": ["in", ["Open", "Replied"]], "service_level_agreement": ["is", "set"]},
				pluck="name",
				limit=args.issues,
			)
			if issues:
				start = time.perf_counter()
				with counting_queries() as counter:
					for name in issues:
						frappe.get_doc("Issue", name).save()
				statements = counter["n"]
				took = time.perf_counter() - start
				theirs = took / len(issues) * 1000
				print(
					f"ERPNext, one save per open Issue with an SLA (its only way to re-time): {len(issues)} "
					f"issues, {took:.2f} s ({theirs:.1f} ms an issue), {statements} statements"
				)
				if per_incident and per_incident[0]:
					print(
						f"ratio, re-timing an incident / re-saving an Issue: {per_incident[0] / theirs:.2f}x"
					)
			else:
				print("ERPNext: no open Issue with an SLA on this site")
	finally:
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()
