"""The service-quality observatory at 1,000,000 incidents (issue 24: each answer within 1 s).

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_observatory.py --site SITE \
		[--incidents 1000000] [--runs 7] [--skip-fill] [--skip-rebuild] [--cleanup]

1. Fills the site up to N ITIL incidents from the benchmark incidents of bench_tier_chart.py
   (BENCHT-..., 100,000 over the last 12 months; run it first): set-based copies (one INSERT ... SELECT
   per copy and table) named BENCHM<k>-..., their dates shifted so that the copies spread over 24
   months, with customers, priorities, service times and SLA verdicts spread by a hash of the name; their
   legs too (a tenth of them at an external supplier under a UC, a share breached, the breach that caused
   the SLA's marked) and a "reopened" SLA event for about 3 % of them. Idempotent: a copy already there
   is not written again. ``--cleanup`` removes the copies.
2. Rebuilds the rollups (``rollups.rebuild``), timed.
3. Times (p50 / p95 of ``--runs`` runs) and counts the statements of each read of
   ``continual_improvement.kpis``: figures (desk, one customer, one business service), figures_by per
   dimension, trend per KPI (12 months), benchmark per dimension, availability, breaches; and, as a peer,
   ERPNext's Issue Summary / Issue Analytics reports over the site's Issues when it has many.
"""

import argparse
import datetime as dt
import statistics
import sys
import time

import frappe

SOURCE = "BENCHT-"
PREFIX = "BENCHM"
SUPPLIER = "Bench Supplier (UC)"


def hash_of(column: str, n: int, salt: str = "") -> str:
	return f"(crc32(concat({column}, '{salt}')) % {n})"


def columns(doctype: str) -> list[str]:
	return [
		r[0]
		for r in frappe.db.sql(
			"select column_name from information_schema.columns where table_schema = database() "
			"and table_name = %s order by ordinal_position",
			f"tab{doctype}",
		)
	]


def copy_statement(doctype: str, overrides: dict[str, str], where: str, alias: str = "s") -> str:
	cols = columns(doctype)
	exprs = [overrides.get(c, f"{alias}.`{c}`") for c in cols]
	return (
		f"insert into `tab{doctype}` ({', '.join(f'`{c}`' for c in cols)}) "
		f"select {', '.join(exprs)} from `tab{doctype}` {alias} {where}"
	)


def ensure_supplier() -> str:
	if not frappe.db.exists("ITIL Support Group", SUPPLIER):
		frappe.get_doc(
			{
				"doctype": "ITIL Support Group",
				"group_name": SUPPLIER,
				"tier": 3,
				"is_external": 1,
				"supplier_name": "Bench Hosting Ltd",
			}
		).insert(ignore_permissions=True)
	return SUPPLIER


def customers() -> list[str]:
	found = frappe.get_all("Customer", pluck="name", order_by="name", limit=20)
	return found or [None]


def fill(target: int) -> tuple[int, float]:
	"""Copies of the BENCHT- incidents (and their legs and reopen events) up to ``target`` incidents."""
	source = frappe.db.count("ITIL Incident", {"name": ("like", f"{SOURCE}%")})
	if not source:
		sys.exit("No BENCHT- incidents: run benchmarks/bench_tier_chart.py --incidents 100000 first.")
	supplier = ensure_supplier()
	names = customers()
	customer_case = (
		"elt(1 + "
		+ hash_of("s.name", len(names), "c")
		+ ", "
		+ ", ".join(frappe.db.escape(n) for n in names)
		+ ")"
	)
	written, began = 0, time.perf_counter()
	copies = max(0, -(-(target - frappe.db.count("ITIL Incident")) // source))
	k = 0
	while frappe.db.count("ITIL Incident") < target and k < 40:
		k += 1
		prefix = f"{PREFIX}{k}-"
		if frappe.db.exists("ITIL Incident", {"name": ("like", f"{prefix}%")}):
			continue
		if copies <= 0:
			break
		copies -= 1
		# odd copies one year back, all a few days apart: 24 months of history
		shift = f"interval {365 * (k % 2) + 3 * k} day"

		def moved(col, alias="s"):
			return f"if({alias}.`{col}` is null, null, {alias}.`{col}` - {shift})"

		overrides = {
			"name": f"concat('{prefix}', s.name)",
			"opened_on": moved("opened_on"),
			"resolved_on": moved("resolved_on"),
			"closed_on": moved("closed_on"),
			"first_responded_on": moved("first_responded_on"),
			"response_by": moved("response_by"),
			"resolution_by": moved("resolution_by"),
			"creation": moved("creation"),
			"modified": moved("modified"),
			"next_sla_check": "null",
			"source_type": "null",
			"source_name": "null",
			"customer_type": f"if({customer_case} is null, null, 'Customer')",
			"customer": customer_case,
			# a quarter of the resolution in service time, a twentieth for the first response
			"resolution_elapsed": "if(s.resolved_on is null, null, "
			"greatest(60, timestampdiff(second, s.opened_on, s.resolved_on) div 4))",
			"response_elapsed": "if(s.first_responded_on is null, null, "
			"greatest(30, timestampdiff(second, s.opened_on, s.first_responded_on) div 20))",
			"sla_status": "if(s.resolved_on is null, s.sla_status, "
			f"if({hash_of('s.name', 100, 'sla')} < 88, 'Met', 'Missed'))",
			"known_error": "null",
		}
		frappe.db.sql(copy_statement("ITIL Incident", overrides, f"where s.name like '{SOURCE}%'"))
		written += frappe.db.sql("select row_count()")[0][0]
		leg_overrides = {
			"name": f"concat('{prefix}', s.name)",
			"incident": f"concat('{prefix}', s.incident)",
			"assigned_on": moved("assigned_on"),
			"released_on": moved("released_on"),
			"due_by": moved("due_by"),
			"creation": moved("creation"),
			"modified": moved("modified"),
			"support_group": f"if(s.tier > 1 and {hash_of('s.name', 10, 'uc')} = 0, "
			f"{frappe.db.escape(supplier)}, s.support_group)",
			"is_external": f"if(s.tier > 1 and {hash_of('s.name', 10, 'uc')} = 0, 1, 0)",
			"agreement_type": f"if(s.tier > 1 and {hash_of('s.name', 10, 'uc')} = 0, 'UC', 'OLA')",
			"breached": f"if(s.released_on is not null and {hash_of('s.name', 100, 'br')} < 7, 1, 0)",
			"caused_sla_breach": f"if(s.released_on is not null and {hash_of('s.name', 100, 'br')} < 3, 1, 0)",
		}
		frappe.db.sql(
			copy_statement("ITIL Incident Leg", leg_overrides, f"where s.incident like '{SOURCE}%'")
		)
		event_overrides = {
			"name": f"concat('{prefix}reopen-', s.name)",
			"incident": f"concat('{prefix}', s.name)",
			"event_type": "'reopened'",
			"at": moved("resolved_on"),
			"value": "null",
			"note": "null",
			"creation": moved("creation"),
			"modified": moved("modified"),
		}
		ev_cols = columns("ITIL SLA Event")
		exprs = [event_overrides.get(c, "null" if c not in ("owner", "modified_by", "docstatus", "idx") else
			{"owner": "'Administrator'", "modified_by": "'Administrator'", "docstatus": "0", "idx": "0"}[c])
			for c in ev_cols]  # fmt: skip
		frappe.db.sql(
			f"insert into `tabITIL SLA Event` ({', '.join(f'`{c}`' for c in ev_cols)}) "
			f"select {', '.join(exprs)} from `tabITIL Incident` s "
			f"where s.name like '{SOURCE}%' and s.resolved_on is not null and {hash_of('s.name', 100, 'ro')} < 3"
		)
		frappe.db.commit()
		print(f"  copy {k}: {frappe.db.count('ITIL Incident'):,} incidents", flush=True)
	spread_over_cis()
	return written, time.perf_counter() - began


def spread_over_cis() -> int:
	"""Four copies in ten on a configuration item of the site's CMDB (those not made by tests), so that a
	business service has a large share of the incidents, but few of its P1 / P2 (its outages). Idempotent:
	the same rows by a hash of their names."""
	cis = frappe.db.sql_list(
		"select name from `tabITIL Configuration Item` where ci_name not like '\\_%%' order by name limit 12"
	)
	if not cis:
		return 0
	# a business service has a few outages a month, not thousands: a P1 / P2 gets a CI once in 200
	severe = ", ".join(
		frappe.db.escape(p)
		for p in frappe.db.sql_list("select name from `tabITIL Priority` order by `rank` limit 2")
	)
	frappe.db.sql(
		f"""update `tabITIL Incident` s set s.configuration_item = elt(1 + {hash_of("s.name", len(cis), "ci")},
			{", ".join(frappe.db.escape(c) for c in cis)})
		where s.name like '{PREFIX}%%' and s.configuration_item is null and {hash_of("s.name", 10, "on")} < 4
		and (s.priority not in ({severe}) or {hash_of("s.name", 200, "out")} = 0)"""
	)
	changed = frappe.db.sql("select row_count()")[0][0]
	# (a site filled by an earlier version of this script gave P1 / P2 their CI as often as the others)
	frappe.db.sql(
		f"""update `tabITIL Incident` s set s.configuration_item = null
		where s.name like '{PREFIX}%%' and s.configuration_item is not null and s.priority in ({severe})
		and {hash_of("s.name", 200, "out")} > 0"""
	)
	frappe.db.commit()
	if changed:
		print(f"  {changed:,} incidents put on {len(cis)} configuration items", flush=True)
	return changed


def cleanup():
	for doctype, column in (
		("ITIL SLA Event", "incident"),
		("ITIL Incident Leg", "incident"),
		("ITIL Incident", "name"),
	):
		frappe.db.sql(f"delete from `tab{doctype}` where `{column}` like '{PREFIX}%'")
		frappe.db.commit()


def timed(fn, runs: int) -> tuple[float, float, int, object]:
	from bench_site import counting_queries

	fn()  # warm
	times = []
	for _ in range(runs):
		began = time.perf_counter()
		out = fn()
		times.append((time.perf_counter() - began) * 1000)
	with counting_queries() as counter:
		fn()
	times.sort()
	p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
	return statistics.median(times), p95, counter["n"], out


def check_consistency(kpis, rollups, start, end, service) -> None:
	"""The same figures by every path: the desk from the rows per CI and from the rows per customer, a
	service from the rows per CI and from its incidents."""
	from itil_crm.engines.service_kpis import INCIDENT_KPIS, figures_from_counters

	def folded(rows):
		return figures_from_counters(kpis._fold(rows, lambda row: None).get(None) or {})

	desk = kpis.figures(start, end)
	per_customer = folded(kpis._summed_rows(start, end, kpis.WHOLE_DESK, ["customer"]))
	checks = [("desk: rows per CI = rows per customer", desk, per_customer)]
	if service:
		cis = kpis.service_cis(service)
		direct = rollups.counters_query(start, end, ["priority"], lambda i: i.configuration_item.isin(cis))
		checks.append(
			(
				f"service {service}: rows per CI = its incidents",
				kpis.figures(start, end, kpis.Scope(service=service)),
				folded(direct.run(as_dict=True)),
			)
		)
	for label, a, b in checks:
		differ = {k: (a[k], b[k]) for k in INCIDENT_KPIS if a[k] != b[k]}
		print(f"  check {label}: {'same figures' if not differ else differ}")


def measure_reviews(measure, start, end, service, customer) -> None:
	"""A service review of last month: its figures computed (what Compute Figures and the submit do,
	the months touched since the last refresh refreshed first), then saved with its frozen rows; each
	rolled back."""
	from itil_crm.continual_improvement import service_review

	scopes = [("whole desk", {"scope": "Whole desk"})]
	if customer:
		customer_type = frappe.db.get_value("ITIL Incident", {"customer": customer}, "customer_type")
		scopes.append(
			(
				f"customer {customer}",
				{"scope": "Customer", "customer_type": customer_type, "customer": customer},
			)
		)
	if service:
		scopes.append((f"service {service}", {"scope": "Business Service", "service": service}))
	for label, scope in scopes:
		values = {
			"doctype": "ITIL Service Review",
			"period_start": start,
			"period_end": end - dt.timedelta(days=1),
			**scope,
		}

		def compute(values=values):
			doc = frappe.get_doc(values)
			service_review.compute(doc)
			frappe.db.rollback()
			return len(doc.figures)

		def compute_and_save(values=values):
			doc = frappe.get_doc(values).insert()
			doc.compute_figures()
			frappe.db.rollback()
			return len(doc.figures)

		measure(f"service review, {label}: figures computed", compute)
		measure(f"service review, {label}: computed and saved (frozen rows written)", compute_and_save)


def measure_observatory(measure) -> None:
	"""The observatory as the desk asks for it: each script report, each chart of the dashboard and each
	number card, through Frappe's own endpoints."""
	from frappe.desk.doctype.number_card.number_card import get_result
	from frappe.desk.query_report import run

	module = "Continual Improvement"
	for report in frappe.get_all("Report", filters={"module": module}, pluck="name"):
		measure(f"report {report}", lambda r=report: run(r, filters={}))
	for row in frappe.get_all("Dashboard Chart", filters={"module": module}, fields=["name", "source"]):
		# a Custom chart: the desk calls its source's get (Frappe's chart cache bypassed by refresh)
		slug = frappe.scrub(row.source)
		get = frappe.get_attr(f"itil_crm.continual_improvement.dashboard_chart_source.{slug}.{slug}.get")
		measure(f"chart {row.name}", lambda n=row.name, g=get: g(chart_name=n, refresh=1))
	for name in frappe.get_all("Number Card", filters={"module": module}, pluck="name"):
		card = frappe.get_doc("Number Card", name)
		if card.type == "Custom":  # the desk calls the card's method with its filters
			method = frappe.get_attr(card.method)
			measure(
				f"number card {name}", lambda m=method, c=card: m(filters=frappe.parse_json(c.filters_json))
			)
		else:
			measure(f"number card {name}", lambda c=card: get_result(c.as_dict(), c.filters_json))


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--incidents", type=int, default=1_000_000)
	parser.add_argument("--runs", type=int, default=7)
	parser.add_argument("--skip-fill", action="store_true")
	parser.add_argument("--skip-rebuild", action="store_true")
	parser.add_argument("--cleanup", action="store_true")
	args = parser.parse_args()
	sys.path.insert(0, __file__.rsplit("/", 1)[0])  # bench_site: the statement counter
	frappe.init(site=args.site)
	frappe.connect()
	try:
		if args.cleanup:
			cleanup()
			return
		from itil_crm.continual_improvement import kpis, rollups
		from itil_crm.engines.service_kpis import INCIDENT_KPIS, KPIS, month_start
		from itil_crm.setup.install import ensure_indexes

		ensure_indexes()
		if not args.skip_fill:
			written, seconds = fill(args.incidents)
			print(f"{written:,} incidents written in {seconds:.1f} s")
		total = frappe.db.count("ITIL Incident")
		print(
			f"the site has {total:,} incidents, {frappe.db.count('ITIL Incident Leg'):,} legs, "
			f"{frappe.db.count('ITIL SLA Event'):,} SLA events"
		)
		if not args.skip_rebuild:
			began = time.perf_counter()
			months = rollups.rebuild()
			print(
				f"rollups.rebuild: {len(months)} months in {time.perf_counter() - began:.1f} s, "
				f"{frappe.db.count(rollups.ROLLUP):,} rollup rows"
			)
		# the hourly job after the rebuild: the months touched since, the current and the previous one
		began = time.perf_counter()
		again = rollups.refresh()
		print(
			f"rollups.refresh (hourly, after the rebuild): {len(again)} months in {time.perf_counter() - began:.1f} s"
		)

		end = month_start(dt.date.today())
		start = month_start(end, -1)
		year = month_start(end, -12)
		customer = frappe.db.sql(
			"select customer from `tabITIL Incident` where customer is not null group by customer "
			"order by count(*) desc limit 1"
		)
		customer = customer[0][0] if customer else None
		service = frappe.db.sql(
			"select c.name from `tabITIL Configuration Item` c where c.ci_type = 'Business Service' "
			"and exists (select 1 from `tabITIL CI Relationship` r where r.parent = c.name) order by c.name limit 1"
		) or frappe.db.sql(
			"select name from `tabITIL Configuration Item` where ci_type = 'Business Service' limit 1"
		)
		service = service[0][0] if service else None
		busiest = frappe.db.sql(
			"select configuration_item from `tabITIL Incident` where configuration_item is not null "
			"and opened_on >= %s group by configuration_item order by count(*) desc limit 1",
			start,
		)
		busiest = busiest[0][0] if busiest else None
		results = []

		def measure(label, fn):
			p50, p95, statements, out = timed(fn, args.runs)
			results.append((label, p50, p95, statements))
			flag = "" if p95 <= 1000 else "  (over 1 s)"
			print(f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {statements} statements{flag}", flush=True)
			return out

		print(f"period {start} .. {end} (last month); year {year} .. {end}")
		figs = measure("figures (desk, last month)", lambda: kpis.figures(start, end))
		print(f"    {figs}")
		measure("figures (desk, 12 months)", lambda: kpis.figures(year, end))
		if customer:
			measure(
				f"figures (customer {customer})",
				lambda: kpis.figures(start, end, kpis.Scope("Customer", customer)),
			)
		if service:
			measure(
				f"figures (service {service})", lambda: kpis.figures(start, end, kpis.Scope(service=service))
			)
		if busiest:
			n = frappe.db.count("ITIL Incident", {"configuration_item": busiest, "opened_on": (">=", start)})
			measure(
				f"figures (scope: the busiest CI {busiest}, {n:,} incidents since {start})",
				lambda: kpis.figures(start, end, kpis.Scope(service=busiest)),
			)
			measure(
				f"trend mttr_hours (scope: the busiest CI {busiest})",
				lambda: kpis.trend("mttr_hours", 12, kpis.Scope(service=busiest), end),
			)
			measure(
				f"availability ({busiest} as the service)",
				lambda: kpis.availability(start, end, [busiest]),
			)
		for dimension in kpis.DIMENSIONS:
			measure(f"figures_by {dimension}", lambda d=dimension: kpis.figures_by(d, start, end))
		for kpi in KPIS:
			if kpi == "availability" and not service:
				continue
			scope = kpis.Scope(service=service) if kpi == "availability" else kpis.WHOLE_DESK
			measure(f"trend {kpi}", lambda k=kpi, s=scope: kpis.trend(k, 12, s, end))
		for dimension in kpis.DIMENSIONS:
			measure(
				f"benchmark {dimension}",
				lambda d=dimension: kpis.benchmark(d, start, end, list(INCIDENT_KPIS)),
			)
		measure("availability (every business service)", lambda: kpis.availability(start, end))
		measure("breaches (last month, 200)", lambda: kpis.breaches(start, end))
		measure("major_incidents (last month)", lambda: kpis.major_incidents(start, end))
		measure_reviews(measure, start, end, service, customer)
		measure_observatory(measure)
		check_consistency(kpis, rollups, start, end, service)
		worst = max(results, key=lambda r: r[2])
		print(
			f"slowest p95: {worst[0]} {worst[2]:.1f} ms; over 1 s: {sum(1 for r in results if r[2] > 1000)}"
		)

		issues = frappe.db.count("Issue") if frappe.db.exists("DocType", "Issue") else 0
		if issues >= 100_000:
			from frappe.desk.query_report import run

			measure("ERPNext Issue Summary", lambda: run("Issue Summary", filters={}))
		else:
			print(
				f"ERPNext peer: the site has {issues:,} Issues, no peer report at this scale to compare with"
			)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
