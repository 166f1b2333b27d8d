"""Random and malformed input, over HTTP, to every whitelisted method of the app (and every Dashboard Chart
Source), and to the insert of every ITIL doctype: the answer is a 4xx error with a message (never a 500),
and a refused call leaves the database as it was (CHECKSUM TABLE of the tables the app writes, before and
after).

Two kinds of cases per method: random values (hypothesis; ITIL_CRM_FUZZ_EXAMPLES cases per target,
default 20) and, for each parameter in turn, every shape of SHAPES (an object, a list, a number, broken
JSON, a missing value, 70,000 characters...), the other parameters valid, each sent as form fields and as a
JSON body. Every (method, parameter, shape, encoding) answered wrongly is reported at the end."""

import ast
import json
import os
import string
import time

import pytest
from conftest import ROOT, make_user
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
STARTED = time.monotonic()

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


def app_whitelisted() -> dict[str, dict]:
	"""Every @frappe.whitelist function of the app, by its dotted path (methods of doctypes as Class.method):
	its parameters (None for a method reading **kwargs) and the HTTP verbs it answers."""
	found = {}
	for path in (ROOT / "itil_crm").rglob("*.py"):
		if "tests" in path.parts:
			continue
		module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
		tree = ast.parse(path.read_text())
		for node in ast.walk(tree):
			body = getattr(node, "body", None)
			for item in body if isinstance(body, list) else ():
				whitelist = [
					d
					for d in getattr(item, "decorator_list", [])
					if isinstance(d, ast.Call) and "whitelist" in ast.unparse(d.func)
				]
				if not (isinstance(item, ast.FunctionDef) and whitelist):
					continue
				prefix = f"{node.name}." if isinstance(node, ast.ClassDef) else f"{module}."
				verbs = next(
					(ast.literal_eval(k.value) for k in whitelist[0].keywords if k.arg == "methods"),
					["GET", "POST"],
				)
				args = [a.arg for a in item.args.args + item.args.kwonlyargs if a.arg != "self"]
				found[prefix + item.name] = {"params": None if item.args.kwarg else args, "verbs": verbs}
	return found


WHITELISTED = app_whitelisted()


def verb_of(method: str) -> str:
	verbs = WHITELISTED.get(method, {"verbs": ["POST"]})["verbs"]
	return "POST" if "POST" in verbs else verbs[0]


# the Dashboard Chart Sources' `get`: one made by workspace_charts.source() in each source's module
CHART_SOURCE_FACTORY = "itil_crm.service_desk.workspace_charts.get"
SOURCE_MODULES = ("service_desk", "continual_improvement")
SOURCE_DIRS = {
	d.name: d
	for module in SOURCE_MODULES
	for d in sorted((ROOT / "itil_crm" / module / "dashboard_chart_source").iterdir())
	if (d / f"{d.name}.json").exists()
}
CHART_SOURCES = {
	f"itil_crm.{d.parent.parent.name}.dashboard_chart_source.{name}.{name}.get": name
	for name, d in SOURCE_DIRS.items()
}
CHART_PARAMS = WHITELISTED[CHART_SOURCE_FACTORY]["params"]


def chart_of(folder: str) -> str:
	"""The Dashboard Chart of the app drawn from this source."""
	source = json.loads((SOURCE_DIRS[folder] / f"{folder}.json").read_text())["name"]
	for path in ROOT.glob("itil_crm/*/dashboard_chart/*/*.json"):
		chart = json.loads(path.read_text())
		if chart.get("source") == source:
			return chart["name"]
	raise AssertionError(f"no chart of the app uses the source {source}")


# dotted path -> (who calls it, its parameters); doc methods are called through run_doc_method
METHODS = {
	"itil_crm.frappe_fixes.count_and_search.get_count": ("desk", ["doctype", "filters", "debug", "cache"]),
	"itil_crm.frappe_fixes.count_and_search.global_search": ("desk", ["text", "start", "limit", "doctype"]),
	"itil_crm.frappe_fixes.link_validation.validate_link": ("desk", ["doctype", "docname", "fields"]),
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
	"itil_crm.customer_portal.notices.seen": ("customer", ["incident"]),
	"itil_crm.customer_portal.resolution.confirm_resolution": ("customer", ["incident"]),
	"itil_crm.customer_portal.resolution.reopen_incident": ("customer", ["incident", "reason"]),
	"itil_crm.onboarding.get_desktop_page": ("desk", ["page"]),
	"itil_crm.problem_management.candidates.dismiss": ("desk", ["problem", "reason"]),
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
	# the continual improvement practice (issue 24)
	"itil_crm.continual_improvement.maturity.create_improvement_actions": ("desk", ["assessment"]),
	"itil_crm.continual_improvement.observatory.drill_down": (
		"desk",
		["kpi", "from_date", "to_date", "dimension", "value", "customer_type", "customer", "service"],
	),
	"itil_crm.continual_improvement.observatory.kpi_card": ("desk", ["filters"]),
	"itil_crm.continual_improvement.observatory.trend_source": ("desk", CHART_PARAMS),
	"ITILImprovementAction.refresh_kpi": ("desk", []),
	"ITILMaturityAssessment.add_missing_questions": ("desk", []),
	"ITILMaturityAssessment.chart": ("desk", []),
	"ITILMaturityAssessment.propose_levels": ("desk", []),
	"ITILServiceReview.compute_figures": ("desk", []),
	**{path: ("desk", CHART_PARAMS) for path in CHART_SOURCES},
}
DOC_METHODS = {
	"ITILIncident": "ITIL Incident",
	"ITILServiceCalendar": "ITIL Service Calendar",
	"ITILImprovementAction": "ITIL Improvement Action",
	"ITILMaturityAssessment": "ITIL Maturity Assessment",
	"ITILServiceReview": "ITIL Service Review",
}
# refused calls that keep a record on purpose: the log of refused supplier callbacks (an audit trail)
KEPT_ON_REFUSAL = {"itil_crm.service_level.supplier_callbacks.receive": {"tabITIL Supplier Exchange"}}

# the valid value of each parameter, from the records of the `names` fixture; a parameter not listed is
# left out while another is fuzzed
VALID = {
	"itil_crm.frappe_fixes.count_and_search.get_count": lambda n: {
		"doctype": "ITIL Incident",
		"filters": {"status": "New"},
	},
	"itil_crm.frappe_fixes.count_and_search.global_search": lambda n: {"text": "fuzz", "limit": 5},
	"itil_crm.frappe_fixes.link_validation.validate_link": lambda n: {
		"doctype": "ITIL Incident",
		"docname": n["incident"],
		"fields": ["subject"],
	},
	"itil_crm.change_enablement.authority.cast_vote": lambda n: {
		"change": n["change"],
		"decision": "Approve",
		"comment": "fuzz",
	},
	"itil_crm.change_enablement.schedule.feed": lambda n: {"token": "fuzz"},
	"itil_crm.configuration_management.impact.impact_analysis": lambda n: {"ci": n["ci"], "depth": 2},
	"itil_crm.incident_management.duplicates.merge": lambda n: {
		"incident": n["incident"],
		"into": n["other"],
	},
	"itil_crm.problem_management.known_error_search.suggest_known_errors": lambda n: {
		"subject": "disk full",
		"description": "the disk is full",
		"configuration_item": n["ci"],
		"limit": 3,
	},
	"itil_crm.problem_management.problems.link_incidents": lambda n: {
		"problem": n["problem"],
		"incidents": [n["incident"]],
	},
	"itil_crm.service_desk.monitoring_events.monitoring_summary": lambda n: {"incident": n["incident"]},
	"itil_crm.service_desk.monitoring_events.receive": lambda n: {"status": "firing", "summary": "fuzz"},
	"itil_crm.customer_portal.incidents.report_incident": lambda n: {
		"subject": "_HTTP fuzz portal",
		"description": "fuzz",
	},
	"itil_crm.customer_portal.incidents.add_reply": lambda n: {
		"incident": n["portal_incident"],
		"message": "fuzz",
	},
	"itil_crm.customer_portal.notices.seen": lambda n: {"incident": n["portal_incident"]},
	"itil_crm.customer_portal.resolution.confirm_resolution": lambda n: {"incident": n["portal_incident"]},
	"itil_crm.customer_portal.resolution.reopen_incident": lambda n: {
		"incident": n["portal_incident"],
		"reason": "fuzz",
	},
	"itil_crm.onboarding.get_desktop_page": lambda n: {
		"page": {"name": "ITIL", "title": "ITIL", "public": 1}
	},
	"itil_crm.problem_management.candidates.dismiss": lambda n: {"problem": n["problem"], "reason": "fuzz"},
	"itil_crm.ticket_bridge.intake.raise_from_ticket": lambda n: {"doctype": "HD Ticket"},
	"itil_crm.service_desk.workspace_numbers.at_risk": lambda n: {"filters": []},
	"itil_crm.service_level.supplier_callbacks.receive": lambda n: {"status": "resolved"},
	"itil_crm.service_level.supplier_connector.message_supplier": lambda n: {
		"incident": n["incident"],
		"message": "fuzz",
	},
	"itil_crm.service_transition.warranty.warranty_summary": lambda n: {"go_live": n["go_live"]},
	"ITILIncident.escalate": lambda n: {"reason": "fuzz"},
	"ITILIncident.apply_known_error": lambda n: {"known_error": n["known_error"]},
	"ITILServiceCalendar.import_holidays": lambda n: {"year": 2030},
	"itil_crm.continual_improvement.maturity.create_improvement_actions": lambda n: {
		"assessment": n["assessment"]
	},
	"itil_crm.continual_improvement.observatory.drill_down": lambda n: {
		"kpi": "sla_met",
		"from_date": "2026-01-01",
		"to_date": "2026-02-01",
	},
	"itil_crm.continual_improvement.observatory.kpi_card": lambda n: {"filters": {"kpi": "sla_met"}},
	"itil_crm.continual_improvement.observatory.trend_source": lambda n: {"chart_name": "ITIL Trend SLA Met"},
	**{path: (lambda n, f=folder: {"chart_name": n["charts"][f]}) for path, folder in CHART_SOURCES.items()},
}

# parameters that stand for another one: while fuzzing the key, the values are left out (a chart source reads
# `chart` only without `chart_name`)
INSTEAD_OF = {"chart": {"chart_name"}}

MISSING = object()
# the shapes sent to each parameter in turn (as form fields: JSON text for what is not already text)
SHAPES = {
	"JSON object": {"a": 1},
	"JSON object of filters": {"name": ["like", "%"]},
	"nested JSON object": {"name": {"a": 1}},
	"JSON list": ["a"],
	"filter on an unknown column": [["_fuzz_no_such_column", "=", 1]],
	"filter with an unknown operator": [["name", "_fuzz_no_such_operator", 1]],
	"number": 7,
	"float": 1.5,
	"true": True,
	"false": False,
	"broken JSON": '{"a":',
	"empty string": "",
	"missing": MISSING,
	"70,000 characters": "x" * 70_000,
	"null": None,
	"unknown name": "_FUZZ no such record",
}
ENCODINGS = ("form", "json")


def test_every_whitelisted_method_of_the_app_is_fuzzed():
	assert set(WHITELISTED) - {CHART_SOURCE_FACTORY} == set(METHODS) - set(CHART_SOURCES)
	for method, (_who, params) in METHODS.items():
		found = WHITELISTED.get(method, WHITELISTED[CHART_SOURCE_FACTORY])["params"]
		assert found is None or found == params, (method, found, params)


def test_every_chart_source_of_the_app_is_fuzzed():
	folders = {
		d.name
		for module in SOURCE_MODULES
		for d in (ROOT / "itil_crm" / module / "dashboard_chart_source").iterdir()
		if d.is_dir() and not d.name.startswith("_")
	}
	assert set(CHART_SOURCES.values()) == folders
	for folder in folders:
		assert chart_of(folder)


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


@pytest.fixture(scope="module")
def names(admin, refs, callers, fuzz_incident) -> dict:
	"""Records the valid values name, made for the fuzzing (named _HTTP ...)."""

	def made(doctype: str, **extra) -> str:
		answer = admin.insert(doctype, {**minimal(doctype, refs), **extra})
		assert answer.ok, answer
		return answer.data["name"]

	reported = callers["customer"].method(
		"itil_crm.customer_portal.incidents.report_incident", subject="_HTTP fuzz portal", description="x"
	)
	assert reported.ok, reported
	return {
		"incident": fuzz_incident,
		"other": made("ITIL Incident"),
		"portal_incident": reported.data,
		"change": made("ITIL Change"),
		"ci": made("ITIL Configuration Item"),
		"problem": made("ITIL Problem"),
		"known_error": made("ITIL Known Error"),
		"go_live": made("ITIL Go-Live"),
		"calendar": made("ITIL Service Calendar", holiday_country="FR"),
		"assessment": made("ITIL Maturity Assessment"),
		"review": made("ITIL Service Review"),
		"action": made("ITIL Improvement Action"),
		"charts": {folder: chart_of(folder) for folder in CHART_SOURCES.values()},
	}


def verdict(answer, before: dict, after: dict, kept: set) -> str | None:
	"""What is wrong with this answer, if anything."""
	TOTALS["cases"] += 1
	if answer.status >= 500:
		return f"{answer.status} {answer.exc_type or ''} {answer.message()[:300]}".strip()
	if answer.status >= 400:
		TOTALS["refused"] += 1
		changed = {t for t in before if before[t] != after[t]} - kept
		if not answer.message():
			return f"refused without a message: {answer!r}"
		if changed:
			return f"refused but tables changed: {sorted(changed)} {answer!r}"
		return None
	TOTALS["accepted"] += 1
	return None


def check(answer, what: str, before: dict, after: dict, kept: set, failures: dict):
	"""Record what is wrong with this answer (one example per kind of failure)."""
	problem = verdict(answer, before, after, kept)
	if problem:
		failures.setdefault(problem.split(":")[0][:80], f"{what}\n    {problem}\n    {answer.text[:1200]}")


def form(value):
	return value if isinstance(value, str) else json.dumps(value, default=str)


def send(client, method: str, payload: dict, encoding: str, docnames: dict):
	"""Call the method as the desk or the portal would: form fields, or a JSON body."""
	cls, _, name = method.partition(".")
	if cls in DOC_METHODS:
		doctype = DOC_METHODS[cls]
		args = payload if encoding == "json" else {k: form(v) for k, v in payload.items()}
		body = {"dt": doctype, "dn": docnames[doctype], "method": name, "args": args}
		path, verb = "/api/method/run_doc_method", "POST"
	else:
		body, path, verb = payload, f"/api/method/{method}", verb_of(method)
	if encoding == "json":
		return client.call(verb, path, json=body)
	fields = {k: form(v) for k, v in body.items()}
	return client.call(verb, path, **{"params" if verb == "GET" else "data": fields})


def fuzzed(method, callers, site_db, names):
	"""What a fuzz test of one method needs: (its caller, its parameters, the tables watched, the tables it
	may write on refusal, the records its doc methods run on)."""
	who, params = METHODS[method]
	docnames = {
		"ITIL Incident": names["incident"],
		"ITIL Service Calendar": names["calendar"],
		"ITIL Maturity Assessment": names["assessment"],
		"ITIL Service Review": names["review"],
		"ITIL Improvement Action": names["action"],
	}
	return callers[who], params, watched_tables(site_db), KEPT_ON_REFUSAL.get(method, set()), docnames


@pytest.mark.parametrize("method", sorted(METHODS))
def test_whitelisted_methods_refuse_bad_input_cleanly(method, callers, site_db, names):
	client, params, tables, kept, docnames = fuzzed(method, callers, site_db, names)

	@FUZZ
	@given(args=st.fixed_dictionaries({p: bad_values() for p in params}), encoding=st.sampled_from(ENCODINGS))
	def run(args, encoding):
		payload = {k: v for k, v in args.items() if v is not None}
		before = snapshot(site_db, tables)
		answer = send(client, method, payload, encoding, docnames)
		what = f"{method}({str(payload)[:200]}) as {encoding}"
		check(answer, what, before, snapshot(site_db, tables), kept, failures)

	failures: dict[str, str] = {}
	run()
	assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


FAILED_SHAPES: list[str] = []


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_parameter_refuses_every_shape_cleanly(method, callers, site_db, names):
	"""Each parameter in turn gets each shape of SHAPES (the others valid), as form fields and as JSON."""
	client, params, tables, kept, docnames = fuzzed(method, callers, site_db, names)
	valid = VALID.get(method, lambda n: {})(names)
	cases = [({}, "(no argument)", "-")] + [
		(
			{k: v for k, v in valid.items() if k != param and k not in INSTEAD_OF.get(param, ())}
			| ({} if shape is MISSING else {param: shape}),
			param,
			label,
		)
		for param in params
		for label, shape in SHAPES.items()
	]
	failed = []
	before = snapshot(site_db, tables)
	for payload, param, label in cases:
		for encoding in ENCODINGS:
			answer = send(client, method, payload, encoding, docnames)
			after = snapshot(site_db, tables)
			problem = verdict(answer, before, after, kept)
			if problem:
				failed.append(f"{method} {param}={label} ({encoding}): {problem}")
			before = after
	FAILED_SHAPES.extend(failed)
	assert not failed, f"{len(failed)} failing cases:\n" + "\n".join(failed)


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
	"""Prints how many cases were tried (the closing note's figure), and every failing shape."""
	print(
		f"\nfuzz: {TOTALS['cases']} cases, {TOTALS['refused']} refused with 4xx, {TOTALS['accepted']} accepted"
		f" in {time.monotonic() - STARTED:.0f} s"
	)
	if FAILED_SHAPES:
		print(f"{len(FAILED_SHAPES)} failing (method, parameter, shape) cases:")
		print("\n".join(f"  {line[:400]}" for line in FAILED_SHAPES))
	if TOTALS["cases"]:
		assert TOTALS["refused"] > 0
