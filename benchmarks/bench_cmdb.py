"""CMDB and problem management at scale, in a real site with itil_crm installed.

	cd <bench>/sites && ../env/bin/python <repo>/benchmarks/bench_cmdb.py --site SITE \
		[--cis 10000,100000] [--known-errors 1000,50000] [--incidents 100000]

1. Impact analysis on generated graphs (about 3 propagating relationships a CI, with cycles): a walk
   that reaches about 100 CIs, its statements (constant) and time, and the ratio between the sizes.
2. Known-error suggestions with N known errors (terms bulk-written as the known errors would write
   them): time per lookup and the ratio.
3. The candidate-problem job with N incidents in its window (bulk-written): time and statements.
Everything is written with bulk SQL under names starting with BENCH- and deleted at the end.
"""

import argparse
import random
import sys
import time

import frappe
from frappe.utils import add_days, now_datetime

from itil_crm.engines.known_error_match import terms

# a service desk's vocabulary: a few common words, many rare ones (product names, codes, places)
RARE = [f"term{i}" for i in range(5000)]
WORDS = (
	"printer network invoice login portal database backup vpn mail disk server certificate timeout "
	"imprimante reseau facture connexion messagerie sauvegarde disque serveur certificat lenteur "
	"erreur bloque queue spool tunnel dns proxy firewall ldap cluster replication index memory cpu"
).split()


def bulk(table, columns, rows, chunk=5000):
	for start in range(0, len(rows), chunk):
		part = rows[start : start + chunk]
		frappe.db.sql(
			f"insert into `{table}` ({', '.join(columns)}) values "
			+ ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(part)),
			[v for row in part for v in row],
		)
	frappe.db.commit()


def clean():
	frappe.db.sql("delete from `tabITIL CI Relationship` where parent like 'BENCH-CI-%%'")
	frappe.db.sql("delete from `tabITIL Configuration Item` where name like 'BENCH-CI-%%'")
	frappe.db.sql("delete from `tabITIL Known Error Term` where known_error like 'BENCH-KE-%%'")
	frappe.db.sql("delete from `tabITIL Known Error` where name like 'BENCH-KE-%%'")
	frappe.db.sql("delete from `tabITIL Incident` where name like 'BENCH-INC-%%'")
	frappe.db.commit()


def graph(start, end, rng):
	"""CIs start..end; each depends on 3 others picked among the 60 before and after it (cycles)."""
	now = now_datetime()
	cis, rels = [], []
	for i in range(start, end):
		kind = "Business Service" if i % 50 == 0 else "Application"
		cis.append(
			(f"BENCH-CI-{i:07d}", f"bench ci {i}", kind, "Production", "Medium", "Operational", now, now)
		)
	for i in range(start, end):
		for k, kind in enumerate(("Depends On", "Runs On", "Connects To")):
			j = min(max(i + rng.randint(-60, 60), 0), end - 1)
			if j != i:
				rels.append(
					(f"BENCH-R-{i:07d}-{k}", f"BENCH-CI-{i:07d}", "ITIL Configuration Item", "relationships",
					 k + 1, kind, f"BENCH-CI-{j:07d}", now, now)
				)  # fmt: skip
	bulk(
		"tabITIL Configuration Item",
		[
			"name",
			"ci_name",
			"ci_type",
			"environment",
			"criticality",
			"lifecycle_status",
			"creation",
			"modified",
		],
		cis,
	)
	bulk(
		"tabITIL CI Relationship",
		[
			"name",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"relationship_type",
			"target_ci",
			"creation",
			"modified",
		],
		rels,
	)


def timed(fn, runs):
	"""fn's last answer, its mean time and statements per call (after one warm-up call)."""
	from bench_site import counting_queries

	fn()
	with counting_queries() as q:
		t0 = time.perf_counter()
		for _ in range(runs):
			answer = fn()
		each = (time.perf_counter() - t0) / runs
	return answer, each, q["n"] / runs


def bench_impact(sizes, rng, walks=50):
	from bench_site import counting_queries

	from itil_crm.configuration_management.impact import impact_analysis

	have, base, depth = 0, None, None
	for size in sizes:
		graph(have, size, rng)
		have = size
		probe = f"BENCH-CI-{size // 2:07d}"
		if depth is None:  # the depth that reaches about 100 CIs upstream, then the same at every size
			depth = 1
			while depth < 10 and len(impact_analysis(probe, depth)["upstream"]) < 100:
				depth += 1
		result, each, statements = timed(lambda: impact_analysis(probe, depth), walks)
		base = base or each
		print(
			f"impact analysis, {size:,} CIs: depth {depth} reaches {len(result['upstream'])} upstream and "
			f"{len(result['downstream'])} downstream CIs in {each * 1000:.2f} ms, "
			f"{statements:.0f} statements; x{each / base:.2f} the first size"
		)


def bench_suggestions(sizes, rng, lookups=100):
	from bench_site import counting_queries

	from itil_crm.problem_management.known_error_search import suggestions

	have, base = 0, None
	now = now_datetime()
	for size in sizes:
		kes, term_rows = [], []
		for i in range(have, size):
			title = " ".join(rng.sample(WORDS, 2) + rng.sample(RARE, 2)) + f" code{i % 997}"
			symptoms = " ".join(rng.sample(WORDS, 4) + rng.sample(RARE, 6))
			kes.append((f"BENCH-KE-{i:07d}", title, symptoms, 1, now, now))
			for t, w in terms(title, symptoms).items():
				term_rows.append((f"BENCH-T-{i:07d}-{t}"[:140], f"BENCH-KE-{i:07d}", t, w, now, now))
		bulk("tabITIL Known Error", ["name", "title", "symptoms", "published", "creation", "modified"], kes)
		bulk(
			"tabITIL Known Error Term",
			["name", "known_error", "term", "weight", "creation", "modified"],
			term_rows,
		)
		have = size
		subject, description = (
			"imprimante bloque spool term17 code17",
			"erreur queue serveur term4242 depuis ce matin",
		)
		found, each, statements = timed(lambda: suggestions(subject, description), lookups)
		base = base or each
		print(
			f"known-error suggestion, {size:,} known errors: {each * 1000:.2f} ms, {statements:.0f} "
			f"statements, best {found[0]['score'] if found else '-'}; x{each / base:.2f} the first size"
		)


def bench_candidates(n, rng):
	from bench_site import counting_queries

	from itil_crm.problem_management import candidates

	now = now_datetime()
	rows = []
	for i in range(n):
		ci = f"BENCH-CI-{rng.randrange(100000):07d}"
		rows.append(
			(
				f"BENCH-INC-{i:07d}",
				f"bench incident {i}",
				add_days(now, -rng.random() * 6),
				ci,
				"In Progress",
				now,
				now,
			)
		)
	bulk(
		"tabITIL Incident",
		["name", "subject", "opened_on", "configuration_item", "status", "creation", "modified"],
		rows,
	)
	least, days = candidates.thresholds()
	with counting_queries() as g:
		t0 = time.perf_counter()
		found = candidates.groups(least, days)
		detect = time.perf_counter() - t0
	with counting_queries() as q:
		t0 = time.perf_counter()
		created = candidates.run()
		first = time.perf_counter() - t0
	frappe.db.commit()
	t0 = time.perf_counter()
	again = candidates.run()
	second = time.perf_counter() - t0
	print(
		f"candidate problems, {n:,} incidents in the window: finding the {len(found):,} groups "
		f"{detect:.2f} s ({g['n']} statements); a run {first:.2f} s, {q['n']} statements, {len(created)} candidates "
		f"(the biggest groups; at most {candidates.MAX_PER_RUN} a run); the next run {second:.2f} s, "
		f"{len(again)} more"
	)
	frappe.db.sql("delete from `tabITIL Affected CI` where parent in %(p)s", {"p": created + again or [""]})
	frappe.db.sql("delete from `tabITIL Problem` where name in %(p)s", {"p": created + again or [""]})
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--cis", default="10000,100000")
	parser.add_argument("--known-errors", default="1000,50000")
	parser.add_argument("--incidents", type=int, default=100000)
	args = parser.parse_args()
	sys.path.insert(0, __file__.rsplit("/", 1)[0])
	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	rng = random.Random(8)
	try:
		clean()
		if args.cis:
			bench_impact([int(x) for x in args.cis.split(",")], rng)
		if args.known_errors:
			bench_suggestions([int(x) for x in args.known_errors.split(",")], rng)
		if args.incidents:
			bench_candidates(args.incidents, rng)
	finally:
		clean()
		frappe.destroy()


if __name__ == "__main__":
	main()
