"""The per-tier resolution chart of the ITIL workspace at 100,000 incidents (issue 23: within 300 ms).

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_tier_chart.py --site SITE \
		[--incidents 100000] [--runs 15] [--user USER] [--cleanup]

1. Fills the site up to N ITIL incidents (nothing is written when it already has them), made as a desk
   makes them, with bulk SQL: opened over the last 12 months (more on weekdays and office hours), on
   every channel, impact and urgency, most of them assigned to a level 1 group, a share escalated to
   level 2 and a few to level 3, some reassigned within their tier; the older ones mostly resolved and
   closed, a few cancelled, the recent ones in every status. Each assignment is one row of
   ITIL Incident Leg, as the incident's controller writes it (assigned_on, released_on, outcome). The
   records it writes are named BENCHT-... and stay for the next run (``--cleanup`` removes them).
2. Times the chart source's ``get`` as the desk calls it, recomputed (``refresh=1``, not Frappe's chart
   cache): p50 / p95 of ``--runs`` runs and the statements of one run; then the ITIL Tier Resolution
   report (per tier and group) as the desk runs it.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time

import frappe

PREFIX = "BENCHT-"
CHART = "ITIL Tier Resolution"
SUBJECTS = (
	"Printer offline on floor {n}",
	"VPN drops every few minutes",
	"Cannot log in to the ERP",
	"Outlook does not sync",
	"Payroll export fails",
	"Slow response of the CRM",
	"Messagerie indisponible",
	"Écran noir au démarrage",
	"Imprimante bloquée",
	"Password reset",
	"Disk almost full on server {n}",
	"Wi-Fi unreachable in meeting room {n}",
)
CODES = ("Workaround Applied", "Permanent Fix", "Configuration Change", "User Error")


def groups_by_tier() -> dict[int, list[str]]:
	"""The site's internal support groups with plain names, by tier."""
	out: dict[int, list[str]] = {1: [], 2: [], 3: []}
	for name, tier in frappe.db.sql(
		"select name, tier from `tabITIL Support Group` where ifnull(is_external, 0) = 0 and tier in (1, 2, 3)"
	):
		if name.replace(" ", "").replace("-", "").isalnum():
			out[tier].append(name)
	for tier in (2, 3):
		out[tier] = out[tier] or out[tier - 1]
	return out


def opened_at(rng: random.Random, now: dt.datetime) -> dt.datetime:
	"""A moment of the last 365 days, mostly on weekdays between 08:00 and 18:00."""
	while True:
		at = now - dt.timedelta(seconds=rng.randrange(365 * 86400))
		office = at.weekday() < 5 and 8 <= at.hour < 18
		if office or rng.random() < 0.15:
			return at


def incident_rows(start: int, n: int, now: dt.datetime, rng: random.Random):
	"""(incidents, legs) as the desk leaves them."""
	from itil_crm.service_level import site_time

	groups = groups_by_tier()
	if not groups[1]:
		sys.exit("the site has no level 1 support group")
	agreement = frappe.db.get_value(
		"ITIL Service Agreement", {"agreement_type": "SLA", "is_default": 1}, "name"
	)
	channels = [c for c in frappe.get_all("ITIL Channel", pluck="name") if c.replace(" ", "").isalnum()]
	matrix = frappe.db.sql(
		"""select impact, urgency, priority from `tabITIL Priority Matrix Entry`
		where parent = 'ITIL Settings'"""
	) or [("Medium", "Medium", "P3 Moderate")]
	naive_now = site_time.naive(now)
	incidents, legs = [], []
	for i in range(start, start + n):
		name = f"{PREFIX}{i:07d}"
		opened = opened_at(rng, naive_now)
		age_days = (naive_now - opened).total_seconds() / 86400
		impact, urgency, priority = rng.choice(matrix)
		roll = rng.random()
		if roll < 0.04:
			status = "Cancelled"
		elif age_days > 14:
			status = (
				"Closed"
				if roll < 0.85
				else ("Resolved" if roll < 0.93 else rng.choice(("In Progress", "On Hold")))
			)
		elif age_days > 2:
			status = rng.choice(("Resolved", "Resolved", "Closed", "In Progress", "On Hold", "Assigned"))
		else:
			status = rng.choice(("New", "Assigned", "In Progress", "In Progress", "Resolved", "On Hold"))
		# the assignments: level 1 first (a New incident has none yet), a share escalated, some reassigned
		path = []
		if status != "New" and not (status == "Cancelled" and rng.random() < 0.5):
			path.append((1, rng.choice(groups[1])))
			if rng.random() < 0.06:
				path.append((1, rng.choice(groups[1])))  # reassigned within the tier
			if rng.random() < 0.3:
				path.append((2, rng.choice(groups[2])))
				if rng.random() < 0.15:
					path.append((3, rng.choice(groups[3])))
		resolved = status in ("Resolved", "Closed")
		span = max(60, int(min(age_days, 10) * 86400 * rng.random()))
		resolved_on = opened + dt.timedelta(seconds=span) if resolved else None
		at = opened + dt.timedelta(minutes=rng.randrange(1, 30))
		for k, (tier, group) in enumerate(path):
			last = k == len(path) - 1
			released = None
			if not last:
				outcome = "Reassigned" if path[k + 1][0] == tier else "Escalated"
				released = min(at + dt.timedelta(minutes=rng.randrange(10, 600)), resolved_on or naive_now)
			elif resolved:
				outcome, released = "Resolved", resolved_on
			elif status == "Cancelled":
				outcome, released = "Cancelled", at + dt.timedelta(minutes=5)
			else:
				outcome = "Open"
			legs.append(
				(f"{name}-L{k + 1}", name, k + 1, group, tier, 0, agreement, "SLA",
				 at, released, outcome, at, released or at, "Administrator", "Administrator", 0)
			)  # fmt: skip
			at = released or at
		tier, group = path[-1] if path else (0, None)
		sla = (
			rng.choice(("Met", "Met", "Met", "Missed"))
			if resolved
			else (
				"" if status == "Cancelled" else rng.choice(("On Track", "On Track", "Warning", "Breached"))
			)
		)
		incidents.append(
			(name, rng.choice(SUBJECTS).format(n=rng.randrange(1, 40)), status, impact, urgency, priority,
			 rng.choice(channels) if channels else None, group, tier, agreement, sla, opened,
			 opened + dt.timedelta(minutes=rng.randrange(5, 240)) if status != "New" else None,
			 resolved_on, resolved_on + dt.timedelta(days=3) if status == "Closed" else None,
			 rng.choice(CODES) if resolved else ("Cancelled by Caller" if status == "Cancelled" else None),
			 opened, resolved_on or opened, "Administrator", "Administrator", 0, "INC-.YYYY.-")
		)  # fmt: skip
	return incidents, legs


def fill(target: int) -> tuple[int, float]:
	"""Tops the site up to `target` incidents; (written, seconds)."""
	from itil_crm.service_level import site_time

	have = frappe.db.count("ITIL Incident")
	if have >= target:
		return 0, 0.0
	start = frappe.db.count("ITIL Incident", {"name": ["like", f"{PREFIX}%"]})
	inc_fields = [
		"name", "subject", "status", "impact", "urgency", "priority", "channel", "support_group", "tier",
		"service_agreement", "sla_status", "opened_on", "first_responded_on", "resolved_on", "closed_on",
		"resolution_code", "creation", "modified", "owner", "modified_by", "docstatus", "naming_series",
	]  # fmt: skip
	leg_fields = [
		"name", "incident", "idx", "support_group", "tier", "is_external",
		"service_agreement", "agreement_type", "assigned_on", "released_on", "outcome", "creation",
		"modified", "owner", "modified_by", "docstatus",
	]  # fmt: skip
	rng = random.Random(23 + start)
	t0 = time.perf_counter()
	written, now = 0, site_time.now()
	while written < target - have:
		n = min(20_000, target - have - written)
		incidents, legs = incident_rows(start + written, n, now, rng)
		frappe.db.bulk_insert("ITIL Incident", inc_fields, incidents, chunk_size=5000)
		frappe.db.bulk_insert("ITIL Incident Leg", leg_fields, legs, chunk_size=10000)
		frappe.db.commit()
		written += n
	frappe.db.sql("analyze table `tabITIL Incident`, `tabITIL Incident Leg`")
	return written, time.perf_counter() - t0


def cleanup():
	frappe.db.delete("ITIL Incident Leg", {"incident": ["like", f"{PREFIX}%"]})
	frappe.db.sql("delete from `tabITIL Incident` where name like %s", f"{PREFIX}%")
	frappe.db.commit()


def timed(fn, runs: int) -> tuple[float, float, object]:
	times, out = [], None
	for _ in range(runs):
		t0 = time.perf_counter()
		out = fn()
		times.append((time.perf_counter() - t0) * 1000)
	times.sort()
	return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], out


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--incidents", type=int, default=100_000)
	parser.add_argument("--runs", type=int, default=15)
	parser.add_argument("--user", default="Administrator")
	parser.add_argument("--cleanup", action="store_true", help="remove the incidents it wrote, and stop")
	args = parser.parse_args()
	sys.path.insert(0, __file__.rsplit("/", 1)[0])  # bench_site: the statement counter
	frappe.init(site=args.site)
	frappe.connect()
	try:
		if args.cleanup:
			cleanup()
			return
		written, seconds = fill(args.incidents)
		legs = frappe.db.count("ITIL Incident Leg")
		print(
			f"{written:,} incidents written in {seconds:.1f} s; the site has "
			f"{frappe.db.count('ITIL Incident'):,} incidents and {legs:,} legs"
		)
		frappe.set_user(args.user)
		from bench_site import counting_queries
		from frappe.desk.query_report import run

		from itil_crm.service_desk.dashboard_chart_source.itil_tier_resolution.itil_tier_resolution import get

		chart = lambda: get(chart_name=CHART, refresh=1)  # noqa: E731
		chart()  # warm: meta, settings and the chart's doc in the caches
		p50, p95, data = timed(chart, args.runs)
		with counting_queries() as counter:
			chart()
		statements = counter["n"]
		values = ", ".join(
			f"{label} {value} %"
			for label, value in zip(data["labels"], data["datasets"][0]["values"], strict=False)
		)
		print(f"  chart {CHART}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {statements} statements ({values})")
		report = lambda: run(CHART, filters={})  # noqa: E731
		p50, p95, out = timed(report, max(3, args.runs // 3))
		print(f"  report {CHART}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {len(out['result'])} rows")
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
