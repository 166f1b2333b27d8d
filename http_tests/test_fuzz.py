"""Random and malformed input, over HTTP, to every whitelisted method of the app and to the insert of
every ITIL doctype: the answer is a 4xx error with a message (never a 500), and a
refused call leaves the database as it was (row counts and CHECKSUM TABLE of the tables the app writes,
before and after).

ITIL_CRM_FUZZ_EXAMPLES sets the number of cases per target (default 20)."""

import ast
import json
import os
import string

import pytest
from conftest import ROOT, make_user, unique
from samples import minimal

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("ITIL_CRM_FUZZ_EXAMPLES", "20"))
FUZZ = settings(
	max_examples=EXAMPLES,
	deadline=None,
	derandomize=bool(os.environ.get("CI")),
	suppress_health_check=list(HealthCheck),
	phases=(Phase.explicit, Phase.generate),  # every failure is collected (below), none shrunk
)
TOTALS = {"cases": 0, "refused": 0, "accepted": 0}

INJECTIONS = [
	"' or 1=1 -- ",
	'"; drop table `tabITIL Incident`; --',
	"`name`) or (1=1",
	"<img src=x onerror=alert(1)>",
	"{{ frappe.db.sql('select 1') }}",
	"{% for x in range(9999999) %}{% endfor %}",
	"../../../../etc/passwd",
	"%(name)s",
	"\x00\x01\x02",
	"ITIL Incident",
	"Administrator",
	"null",
	"[]",
	"{}",
]
BAD_DATES = ["2026-02-30", "not a date", "9999-99-99 99:99:99", "0000-00-00", "2026-13-01T25:61", "-1"]
BAD_ZONES = ["Mars/Olympus_Mons", "UTC+99", "Europe/../../etc"]


def bad_values():
	"""Values no form would send: wrong types, huge or odd strings, injections, bad dates and zones."""
	return st.one_of(
		st.none(),
		st.booleans(),
		st.integers(min_value=-(2**70), max_value=2**70),
		st.floats(allow_nan=True, allow_infinity=True).map(str),
		st.text(max_size=60),
		st.text(alphabet=string.printable, min_size=140, max_size=400),
		st.sampled_from([70_000, 300_000, 1_100_000]).map(lambda n: "x" * n),
		st.sampled_from(INJECTIONS + BAD_DATES + BAD_ZONES),
		st.lists(st.text(max_size=10), max_size=4),
		st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
	)


def app_whitelisted() -> set[str]:
	"""Every @frappe.whitelist function of the app, by its dotted path (methods of doctypes as Class.method)."""
	found = set()
	for path in (ROOT / "itil_crm").rglob("*.py"):
		if "tests" in path.parts:
			continue
		module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
		tree = ast.parse(path.read_text())
		for node in ast.walk(tree):
			body = getattr(node, "body", None)
			for item in body if isinstance(body, list) else ():
				if isinstance(item, ast.FunctionDef) and any(
					"whitelist" in ast.unparse(d) for d in item.decorator_list
				):
					prefix = f"{node.name}." if isinstance(node, ast.ClassDef) else f"{module}."
					found.add(prefix + item.name)
	return found


# dotted path -> (who calls it, its parameters); doc methods are called through run_doc_method
METHODS = {
	"itil_crm.frappe_fixes.count_and_search.get_count": ("desk", ["doctype", "filters"]),
	"itil_crm.frappe_fixes.count_and_search.global_search": ("desk", ["text", "start", "limit", "doctype"]),
	"itil_crm.change_enablement.authority.cast_vote": ("desk", ["change", "decision", "comment"]),
	"itil_crm.change_enablement.schedule.calendar_feed_url": ("desk", []),
	"itil_crm.change_enablement.schedule.feed": ("guest", ["token"]),
	"itil_crm.configuration_management.impact.impact_analysis": ("desk", ["ci", "depth"]),
	"itil_crm.incident_management.duplicates.merge": ("desk", ["incident", "into"]),
	"itil_crm.problem_management.known_error_search.suggest_known_errors": (
		"desk",
		["subject", "description", "configuration_item", "limit"],
	),
	"itil_crm.problem_management.problems.link_incidents": ("desk", ["problem", "incidents"]),
	"itil_crm.service_desk.monitoring_events.monitoring_summary": ("desk", ["incident"]),
	"itil_crm.service_desk.monitoring_events.receive": ("source", ["status", "service", "host", "summary"]),
	"itil_crm.customer_portal.incidents.report_incident": (
		"customer",
		["subject", "description", "service", "customer"],
	),
	"itil_crm.customer_portal.incidents.add_reply": ("customer", ["incident", "message"]),
	"itil_crm.service_desk.queues.my_support_groups": ("desk", []),
	"itil_crm.ticket_bridge.intake.raise_from_ticket": ("desk", ["doctype", "name"]),
	"itil_crm.service_desk.workspace_numbers.at_risk": ("desk", ["filters"]),
	"itil_crm.service_level.supplier_callbacks.receive": ("guest", ["connector", "status", "reference"]),
	"itil_crm.service_level.supplier_connector.message_supplier": ("desk", ["incident", "message"]),
	"itil_crm.service_level.supplier_connector.resend": ("desk", ["exchange"]),
	"itil_crm.service_transition.warranty.warranty_summary": ("desk", ["go_live"]),
	"ITILIncident.escalate": ("desk", ["to_group", "reason"]),
	"ITILIncident.apply_known_error": ("desk", ["known_error"]),
	"ITILServiceCalendar.import_holidays": ("desk", ["year"]),
	"itil_crm.service_desk.dashboard_chart_source.itil_tier_resolution.itil_tier_resolution.get": (
		"desk",
		["chart_name", "filters", "from_date", "to_date", "timespan", "time_interval"],
	),
}
DOC_METHODS = {"ITILIncident": "ITIL Incident", "ITILServiceCalendar": "ITIL Service Calendar"}
# refused calls that keep a record on purpose: the log of refused supplier callbacks (an audit trail)
KEPT_ON_REFUSAL = {"itil_crm.service_level.supplier_callbacks.receive": {"tabITIL Supplier Exchange"}}


# the workspace charts' sources share one factory-made `get` whose arguments are all ignored
CHART_SOURCE_FACTORY = "itil_crm.service_desk.workspace_charts.get"
TIER_CHART = "itil_crm.service_desk.dashboard_chart_source.itil_tier_resolution.itil_tier_resolution.get"


def test_every_whitelisted_method_of_the_app_is_fuzzed():
	assert app_whitelisted() - {CHART_SOURCE_FACTORY} == set(METHODS) - {TIER_CHART}


def watched_tables(db) -> list[str]:
	with db.cursor() as cursor:
		cursor.execute("show tables")
		names = [r[0] for r in cursor.fetchall()]
	extra = {"tabVersion", "tabComment", "tabToDo", "tabCommunication", "tabFile", "tabContact", "tabUser"}
	return sorted(n for n in names if n.startswith("tabITIL ") or n in extra)


def snapshot(db, tables: list[str]) -> dict:
	with db.cursor() as cursor:
		cursor.execute("checksum table " + ", ".join(f"`{t}`" for t in tables))
		return {row[0].split(".", 1)[1]: row[1] for row in cursor.fetchall()}


@pytest.fixture(scope="module")
def callers(admin, served):
	from conftest import Client

	desk_roles = ["System Manager", "ITIL Service Desk Agent", "ITIL Change Manager", "ITIL CAB Member"]
	return {
		"desk": make_user(admin, desk_roles, label="fuzz desk"),
		"customer": make_user(admin, ["ITIL Customer"], "Website User", "fuzz customer"),
		"source": make_user(admin, ["ITIL Event Source"], "Website User", "fuzz source"),
		"guest": Client(served["url"], served["host"], "Guest"),
	}


@pytest.fixture(scope="module")
def fuzz_incident(admin, refs):
	answer = admin.insert("ITIL Incident", minimal("ITIL Incident", refs))
	assert answer.ok, answer
	return answer.data["name"]


def check(answer, what: str, before: dict, after: dict, kept: set, failures: dict):
	"""Record what is wrong with this answer (one example per kind of failure)."""
	TOTALS["cases"] += 1
	problem = None
	if answer.status >= 500:
		problem = f"{answer.status} {answer.exc_type}", f"{answer.text[:1200]}"
	elif answer.status >= 400:
		TOTALS["refused"] += 1
		changed = {t for t in before if before[t] != after[t]} - kept
		if not answer.message():
			problem = "refused without a message", repr(answer)
		elif changed:
			problem = f"refused but tables changed: {sorted(changed)}", repr(answer)
	else:
		TOTALS["accepted"] += 1
	if problem:
		failures.setdefault(problem[0], f"{what}\n    {problem[1]}")


@pytest.mark.parametrize("method", sorted(METHODS))
def test_whitelisted_methods_refuse_bad_input_cleanly(method, callers, site_db, fuzz_incident):
	who, params = METHODS[method]
	client = callers[who]
	tables = watched_tables(site_db)
	kept = KEPT_ON_REFUSAL.get(method, set())

	@FUZZ
	@given(args=st.fixed_dictionaries({p: bad_values() for p in params}))
	def run(args):
		payload = {k: v for k, v in args.items() if v is not None}
		before = snapshot(site_db, tables)
		cls, _, name = method.partition(".")
		if cls in DOC_METHODS:
			doctype = DOC_METHODS[cls]
			docname = fuzz_incident if doctype == "ITIL Incident" else unique("no such calendar")
			answer = client.method(
				"run_doc_method", dt=doctype, dn=docname, method=name, args=json.dumps(payload)
			)
		elif method.endswith(".receive"):
			answer = client.call("POST", f"/api/method/{method}", data=json.dumps(payload, default=str))
		else:
			answer = client.method(
				method, **{k: json.dumps(v) if not isinstance(v, str) else v for k, v in payload.items()}
			)
		check(answer, f"{method}({str(payload)[:200]})", before, snapshot(site_db, tables), kept, failures)

	failures: dict[str, str] = {}
	run()
	assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


CREATABLE = [
	"ITIL Change",
	"ITIL Standard Change Template",
	"ITIL CI Relationship Type",
	"ITIL CI Type",
	"ITIL Configuration Item",
	"ITIL Impact",
	"ITIL Urgency",
	"ITIL Priority",
	"ITIL Incident",
	"ITIL Known Error",
	"ITIL Problem",
	"ITIL Channel",
	"ITIL Support Group",
	"ITIL Service Calendar",
	"ITIL Go-Live",
	"ITIL Service Agreement",
	"ITIL SLA Alert",
	"ITIL Supplier Connector",
	"ITIL Event Source",
	"ITIL Go-Live Checklist Template",
]


def fields_of(doctype: str) -> list[str]:
	folder = doctype.lower().replace(" ", "_").replace("-", "_")
	path = next(ROOT.glob(f"itil_crm/*/doctype/{folder}/{folder}.json"))
	layout = {"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Table", "Table MultiSelect"}
	return [f["fieldname"] for f in json.loads(path.read_text())["fields"] if f["fieldtype"] not in layout]


@pytest.mark.parametrize("doctype", CREATABLE)
def test_inserts_refuse_bad_values_cleanly(doctype, admin, callers, site_db, refs):
	client = callers["desk"]
	tables = watched_tables(site_db)
	fields = fields_of(doctype)

	@FUZZ
	@given(field=st.sampled_from(fields), value=bad_values())
	def run(field, value):
		doc = {**minimal(doctype, refs), field: value}
		before = snapshot(site_db, tables)
		answer = client.insert(doctype, doc)
		what = f"insert {doctype} {field}={str(value)[:120]!r}"
		check(answer, what, before, snapshot(site_db, tables), set(), failures)
		if answer.ok:  # accepted as valid: removed, so that masters made of odd values do not pile up
			admin.delete(doctype, answer.data["name"])

	failures: dict[str, str] = {}
	run()
	assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


def test_zz_fuzz_totals():
	"""Prints how many cases were tried (the closing note's figure)."""
	print(
		f"\nfuzz: {TOTALS['cases']} cases, {TOTALS['refused']} refused with 4xx, {TOTALS['accepted']} accepted"
	)
	if TOTALS["cases"]:
		assert TOTALS["refused"] > 0
