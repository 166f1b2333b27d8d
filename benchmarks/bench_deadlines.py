"""Deadlines beside ERPNext's in the same run, on a site where ERPNext is installed (issue 11).

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_deadlines.py --site SITE [--starts 300]

Both compute "start + N business seconds" on the same calendar: Monday-Friday 09:00-17:00 (one
interval a day, since ERPNext supports one a day) with the same holidays (the French public holidays
of 2026-2030, in an ERPNext Holiday List written for the run and deleted after it). ERPNext:
`erpnext.support.doctype.service_level_agreement.service_level_agreement.get_expected_time_for`
(naive site-local times, its holiday list read as it reads it); itil_crm: `add_business_seconds` on the
same calendar in the site's time zone. Targets: 4 business hours, 3, 30 and 300 business days.
"""

import argparse
import datetime as dt
import random
import sys
import time
from zoneinfo import ZoneInfo

import frappe

from itil_crm.engines.business_time import Calendar, add_business_seconds

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
HOUR = 3600
NAME = "BENCH Deadlines"


def holidays_and_targets() -> tuple[list[str], tuple]:
	"""The holidays and targets of the engine benchmark (bench_business_time), so both measure alike."""
	sys.path.insert(0, __file__.rsplit("/", 1)[0])
	from bench_business_time import HOLIDAYS, TARGETS

	return HOLIDAYS, TARGETS


def make_holiday_list(days: list[str]) -> str:
	if frappe.db.exists("Holiday List", NAME):
		frappe.delete_doc("Holiday List", NAME, force=True)
	frappe.get_doc(
		{
			"doctype": "Holiday List",
			"holiday_list_name": NAME,
			"from_date": "2026-01-01",
			"to_date": "2030-12-31",
			"holidays": [{"holiday_date": d, "description": "Holiday"} for d in days],
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return NAME


def time_per_call(fn, starts, repeat):
	for s in starts[:20]:
		fn(s)
	t0 = time.perf_counter()
	for _ in range(repeat):
		for s in starts:
			fn(s)
	return (time.perf_counter() - t0) / (repeat * len(starts)) * 1e6


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--starts", type=int, default=300)
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	if "erpnext" not in frappe.get_installed_apps():
		sys.exit("ERPNext is not installed on this site: nothing to compare with")
	from erpnext.support.doctype.service_level_agreement.service_level_agreement import (
		get_expected_time_for,
	)

	tz = frappe.db.get_single_value("System Settings", "time_zone") or "UTC"
	days, targets = holidays_and_targets()
	try:
		make_holiday_list(days)
		cal = Calendar.build(tz, [(d, "09:00", "17:00") for d in DAYS], days)
		rng = random.Random(11)
		naive = [
			dt.datetime(2026, 1, 1) + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
			for _ in range(args.starts)
		]
		zone = ZoneInfo(tz)
		aware = [n.replace(tzinfo=zone) for n in naive]
		print(
			f"calendar: Mon-Fri 09:00-17:00, {len(days)} holidays 2026-2030, {tz}; {args.starts} starts in 2026"
		)
		overhead = time_per_call(lambda s: None, aware, 50)
		print(f"benchmark loop per call (in both columns): {overhead:.2f}us")
		print(f"{'target':<20}{'itil_crm':>12}{'ERPNext':>12}{'ratio':>10}")
		for label, seconds in targets:
			sla = frappe._dict(
				response_time=seconds,
				resolution_time=seconds,
				holiday_list=NAME,
				support_and_resolution=[
					frappe._dict(workday=d, start_time=dt.timedelta(hours=9), end_time=dt.timedelta(hours=17))
					for d in DAYS
				],
			)
			repeat = 3 if seconds > 30 * 8 * HOUR else 10
			ours = time_per_call(lambda s, seconds=seconds: add_business_seconds(cal, s, seconds), aware, 50)
			theirs = time_per_call(
				lambda s, sla=sla: get_expected_time_for("resolution", sla, s),
				naive[: max(20, len(naive) // 3)],
				repeat,
			)
			print(f"{label:<20}{ours:>10.1f}us{theirs:>10.1f}us{theirs / ours:>9.0f}x")
	finally:
		if frappe.db.exists("Holiday List", NAME):
			frappe.delete_doc("Holiday List", NAME, force=True)
		frappe.db.commit()
		frappe.destroy()


if __name__ == "__main__":
	main()
