"""The replica lane's check (run by .ci/run with the bench's python from the bench's sites folder): a site
on a primary MariaDB server, with a read-only replica replicating it, computes the same figures whether
its reads go to the replica or not, and writes nothing on the replica.

    ../env/bin/python replica_check.py <site> <root password>

The site's config names the replica (read_from_replica, replica_host, replica_db_port). The figures: every
report of the app (frappe.desk.query_report.run), the observatory's charts (their Dashboard Chart Source,
as the desk calls it) and number cards (their method), and a service review computation (of the last
full month, for the whole desk). Each is computed with read_from_replica off, then on; the figures must be
equal, the replica must have served reads (its Com_select grew) only when on, it must have run no write
statement meanwhile (Com_insert, Com_update, Com_delete, Com_replace), be read-only, and refuse a write of
the site's database user.
"""

import json
import sys
import time

import frappe
import pymysql

WRITES = ("Com_insert", "Com_update", "Com_delete", "Com_replace")
MODULES = ("Continual Improvement",)  # the observatory's charts and cards
OBSERVATORY = "itil_crm.continual_improvement.observatory"


def main(site: str, root_password: str) -> int:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	conf = frappe.local.conf
	if not (conf.replica_host and conf.replica_db_port):
		print("the site names no replica (replica_host, replica_db_port)", file=sys.stderr)
		return 1
	replica = pymysql.connect(
		host=conf.replica_host, port=int(conf.replica_db_port), user="root", password=root_password
	)
	from itil_crm.continual_improvement import rollups

	rollups.rebuild()
	frappe.db.commit()
	caught_up(replica)

	frappe.local.conf.read_from_replica = 0
	before = status(replica)
	started = time.monotonic()
	on_primary = figures()
	primary_seconds = time.monotonic() - started
	after_primary = status(replica)
	frappe.db.commit()  # the charts' last_synced_on (primary)
	caught_up(replica)

	frappe.local.conf.read_from_replica = 1
	ready = status(replica)
	started = time.monotonic()
	on_replica = figures()
	replica_seconds = time.monotonic() - started
	after_replica = status(replica)
	frappe.db.rollback()

	problems = []
	if on_primary != on_replica:
		for key in sorted(set(on_primary) | set(on_replica)):
			if on_primary.get(key) != on_replica.get(key):
				problems.append(f"{key}: primary {on_primary.get(key)!r}\n  replica {on_replica.get(key)!r}")
	if after_primary["Com_select"] != before["Com_select"]:
		problems.append("the replica served reads while read_from_replica was off")
	served = after_replica["Com_select"] - ready["Com_select"]
	if served <= 0:
		problems.append("the replica served no read with read_from_replica on")
	# over the replica run only: the primary's writes of the first run were replicated before it (the
	# replication thread's statements count too), those of this run are rolled back, never replicated
	for name in WRITES:
		if after_replica[name] != ready[name]:
			problems.append(f"the replica ran {after_replica[name] - ready[name]} {name} statement(s)")
	problems += read_only_refused(replica, conf)
	replica.close()
	rows = sum(len(json.loads(v)["result"] or []) for k, v in on_primary.items() if k.startswith("report "))
	if not rows:
		problems.append("no report has a row: the figures compared are empty (the site has no demo?)")
	print(
		f"{len(on_primary)} figures (reports with {rows} rows, charts, number cards, a service review): "
		f"{primary_seconds:.1f} s on the primary, {replica_seconds:.1f} s with the replica "
		f"({served} selects served by the replica)"
	)
	for problem in problems:
		print(problem, file=sys.stderr)
	frappe.destroy()
	return 1 if problems else 0


def figures() -> dict:
	"""{what: its figures as JSON text}, computed through the paths the desk uses."""
	from frappe.desk.query_report import run

	from itil_crm.frappe_fixes.replica import reads_from_replica

	out = {}
	app_modules = frappe.get_module_list("itil_crm")
	# reports: query_report.run is Frappe's read_only; reads_from_replica switches for each (the hole)
	for name in frappe.get_all(
		"Report",
		filters={"module": ["in", app_modules], "report_type": "Script Report", "disabled": 0},
		pluck="name",
		order_by="name",
	):
		result = reads_from_replica(run)(name, filters={}, ignore_prepared_report=True)
		out[f"report {name}"] = text({"columns": result.get("columns"), "result": result.get("result")})
	for chart in frappe.get_all(
		"Dashboard Chart",
		filters={"module": ["in", MODULES], "chart_type": "Custom"},
		fields=["name", "source"],
		order_by="name",
	):
		slug = frappe.scrub(chart.source)
		get = frappe.get_attr(f"itil_crm.continual_improvement.dashboard_chart_source.{slug}.{slug}.get")
		out[f"chart {chart.name}"] = text(get(chart_name=chart.name, refresh=1))
	for card in frappe.get_all(
		"Number Card",
		filters={"module": ["in", MODULES], "type": "Custom"},
		fields=["name", "method", "filters_json"],
		order_by="name",
	):
		method = frappe.get_attr(card.method)
		out[f"card {card.name}"] = text(method(filters=frappe.parse_json(card.filters_json or "{}")))
	out["service review"] = text(service_review())
	return out


def service_review() -> dict:
	from frappe.utils import add_days, add_months, get_first_day, getdate, nowdate

	from itil_crm.continual_improvement import service_review

	end = get_first_day(getdate(nowdate()))  # the last full month, its first and last days
	review = frappe.new_doc("ITIL Service Review")
	review.update(
		{"scope": "Whole desk", "period_start": add_months(end, -1), "period_end": add_days(end, -1)}
	)
	service_review.compute(review)
	tables = ("figures", "breaches", "major_incidents", "availability")
	skip = {"name", "creation", "modified", "owner", "modified_by", "parent", "idx"}
	return {
		t: [{k: v for k, v in row.as_dict().items() if k not in skip} for row in review.get(t)]
		for t in tables
	}


def text(value) -> str:
	return json.dumps(value, sort_keys=True, default=str)


def status(replica) -> dict:
	with replica.cursor() as cursor:
		cursor.execute("SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select', %s, %s, %s, %s)", WRITES)
		return {name: int(value) for name, value in cursor.fetchall()}


def caught_up(replica, timeout: int = 120) -> None:
	"""Wait until the replica has applied everything the primary has logged so far."""
	position = frappe.db.sql("select @@global.gtid_binlog_pos")[0][0]
	with replica.cursor() as cursor:
		cursor.execute("SELECT MASTER_GTID_WAIT(%s, %s)", (position, timeout))
		if cursor.fetchone()[0] != 0:
			raise SystemExit(f"the replica did not reach the primary's position {position} in {timeout} s")


def read_only_refused(replica, conf) -> list[str]:
	"""The replica is read-only, and a write of the site's own database user is refused there."""
	problems = []
	with replica.cursor() as cursor:
		cursor.execute("SELECT @@global.read_only")
		if not cursor.fetchone()[0]:
			problems.append("the replica is not read-only")
	site_user = pymysql.connect(
		host=conf.replica_host,
		port=int(conf.replica_db_port),
		user=conf.db_name,
		password=conf.db_password,
		database=conf.db_name,
	)
	try:
		with site_user.cursor() as cursor:
			cursor.execute("UPDATE `tabDefaultValue` SET defvalue = defvalue WHERE 1 = 0")
		problems.append("the site's database user could write on the replica")
	except pymysql.err.MySQLError as e:
		if e.args[0] != 1290:  # ER_OPTION_PREVENTS_STATEMENT: --read-only
			problems.append(f"a write on the replica failed for another reason: {e}")
	finally:
		site_user.close()
	return problems


if __name__ == "__main__":
	sys.exit(main(*sys.argv[1:3]))
