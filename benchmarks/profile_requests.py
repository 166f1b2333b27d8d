"""Where the time of each load operation goes, server side: the scenarios of ``bench_load.py`` run by one
agent at a time (no contention), for ITIL incidents and ERPNext Issues, recorded by Frappe's own recorder
(``frappe.recorder``: every SQL statement of every request, with its duration and the app code that ran it).

	python benchmarks/profile_requests.py --url http://127.0.0.1:8020 --site real.localhost [--loops 20]
		[--top 12] [--target itil|issue|both] [--json FILE]

Prints per operation: requests, client latency (median), server duration as the recorder saw it, statements
per request, SQL time per request; then, per operation, the app functions that issued the statements (the
innermost frame of an app other than Frappe's database layer), with statements and milliseconds per
request. Lock waits are InnoDB's (``Innodb_row_lock_waits`` / ``_time``) around the run. Needs a served
site and Administrator's password; the recorder is switched off at the end (and by itself after 5 min).
"""

import argparse
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_load as bl

DB_LAYER = re.compile(r"^frappe/frappe/(database/|model/db_query|query_builder/|recorder|utils/caching)")


def owner(stack: list[dict]) -> str:
	"""The innermost frame outside Frappe's database layer: ``app/path.py:function``."""
	for frame in reversed(stack):
		name = frame["filename"]
		if DB_LAYER.match(name):
			continue
		return f"{name.removesuffix('.py')}:{frame['function']}"
	return "?"


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--url", default="http://127.0.0.1:8020")
	parser.add_argument("--site", default="real.localhost")
	parser.add_argument("--admin-password", default="admin")
	parser.add_argument("--loops", type=int, default=20)
	parser.add_argument("--top", type=int, default=12)
	parser.add_argument("--target", choices=("itil", "issue", "both"), default="both")
	parser.add_argument("--db-password", default="root", help="MariaDB root password, for lock waits")
	parser.add_argument("--stacks", action="store_true", help="attribute statements to code (slower)")
	parser.add_argument("--profile", action="store_true", help="cProfile each request: functions by time")
	parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
	args = parser.parse_args()

	try:
		probe = bl.LockWatch(args.db_password)
		if probe.db:
			probe.db.close()
	except Exception as e:  # the lock waits are optional
		print(f"(no InnoDB lock waits: {e})")
		args.db_password = None

	admin = bl.Client(args.url, args.site)
	admin.call(None, "POST", "/api/method/login", data={"usr": "Administrator", "pwd": args.admin_password})
	keys = bl.setup_agents(admin, 2)
	bl.setup_groups(admin, 2)
	run = "p" + str(int(time.time()))[-5:]
	kinds = {"itil": [bl.ITIL], "issue": [bl.Issue], "both": [bl.ITIL, bl.Issue]}[args.target]
	results = {}
	for kind in kinds:
		target = kind(admin, run, 2, 1)
		client = bl.Client(args.url, args.site, bl.Stats(), None, keys[0])
		rng = bl.random.Random(run)
		for loop in range(3):  # warm the worker caches
			target.scenario(client, 0, -loop - 1, rng)
		client.stats = stats = bl.Stats()
		admin.method(
			None,
			"frappe.recorder.start",
			record_sql=1,
			capture_stack=int(args.stacks),
			explain=0,
			profile=int(args.profile),
			record_jobs=0,
		)
		with bl.LockWatch(args.db_password) as locks:
			for loop in range(args.loops):
				target.scenario(client, 0, loop, rng)
		admin.method(None, "frappe.recorder.stop")
		time.sleep(1)
		recorded = admin.method(None, "frappe.recorder.export_data") or []
		admin.method(None, "frappe.recorder.delete")
		results[target.label] = summarise(target.label, stats, recorded, args, locks)
	if args.json:
		Path(args.json).write_text(json.dumps(results, indent=1))


def summarise(label, stats: bl.Stats, recorded: list[dict], args, locks: bl.LockWatch) -> dict:
	per_op = defaultdict(list)
	for r in recorded:
		op = (r.get("headers") or {}).get("X-Load-Op")
		if op:
			per_op[op].append(r)
	print(f"\n== {label}: one agent, {args.loops} scenarios, no contention ==")
	for op, line, _trace in stats.errors[:5]:
		print(f"  error: {op}: {line}")
	locks.report()
	print(
		f"  {'operation':<13}{'n':>5}{'client p50':>12}{'server':>9}{'stmts':>8}{'sql ms':>9}{'python ms':>11}"
	)
	out = {}
	for op in bl.OPERATIONS:
		reqs = per_op.get(op) or []
		client = stats.latency.get(op) or []
		if not reqs:
			continue
		dur = statistics.median(r["duration"] for r in reqs)
		n_q = statistics.mean(r["queries"] for r in reqs)
		sql = statistics.median(r["time_queries"] for r in reqs)
		c50 = statistics.median(client) if client else float("nan")
		out[op] = {"n": len(reqs), "client_p50": c50, "server": dur, "statements": n_q, "sql_ms": sql}
		print(f"  {op:<13}{len(reqs):>5}{c50:>12.1f}{dur:>9.1f}{n_q:>8.1f}{sql:>9.1f}{dur - sql:>11.1f}")
	if args.stacks:
		for op in bl.OPERATIONS:
			reqs = per_op.get(op) or []
			if not reqs:
				continue
			where = defaultdict(lambda: [0, 0.0])
			for r in reqs:
				for call in r.get("calls") or []:
					w = where[owner(call.get("stack") or [])]
					w[0] += 1
					w[1] += call["duration"]
			print(f"\n  {op}: statements per request by the code that ran them (count, ms)")
			for name, (count, ms) in sorted(where.items(), key=lambda kv: -kv[1][0])[: args.top]:
				print(f"    {count / len(reqs):6.1f} {ms / len(reqs):7.2f}  {name}")
			out[op]["by_code"] = {k: [c / len(reqs), m / len(reqs)] for k, (c, m) in where.items()}
	if args.profile:
		for op in bl.OPERATIONS:
			reqs = per_op.get(op) or []
			if not reqs:
				continue
			cumulative, own = profile_totals(reqs)
			print(f"\n  {op}: functions by cumulative ms per request (own ms), app code and Frappe's hooks")
			shown = 0
			for name, ms in sorted(cumulative.items(), key=lambda kv: -kv[1]):
				if shown >= args.top or ms / len(reqs) < 1:
					break
				if not PROFILE_SHOWN.search(name):
					continue
				shown += 1
				print(f"    {ms / len(reqs):7.1f} ({own.get(name, 0) / len(reqs):5.1f})  {name}")
			out[op]["profile"] = {k: v / len(reqs) for k, v in cumulative.items() if v / len(reqs) >= 0.5}
	return out


PROFILE_LINE = re.compile(r"^\s*([\d/]+)\s+([\d.]+)\s+[\d.]+\s+([\d.]+)\s+[\d.]+\s+(.+)$")
# the functions worth reading in a profile: the apps' own, and Frappe's document and request machinery
PROFILE_SHOWN = re.compile(
	r"^(?!.*\{)(itil_|erpnext|helpdesk|document\.py|base_document|naming|app\.py|handler|api|auth|"
	r"assign_to|todo|comment|notification|version|meta\.py|permissions|db_query|reportview|query_report)"
)


def profile_totals(reqs: list[dict]) -> tuple[dict, dict]:
	"""Sum, over the requests, each function's cumulative and own time (ms) from the recorder's pstats text
	(file names stripped to their base name by the recorder)."""
	cumulative, own = defaultdict(float), defaultdict(float)
	for r in reqs:
		for line in (r.get("profile") or "").splitlines():
			m = PROFILE_LINE.match(line)
			if m:
				cumulative[m[4]] += float(m[3]) * 1000
				own[m[4]] += float(m[2]) * 1000
	return cumulative, own


if __name__ == "__main__":
	main()
