"""The app stays on Frappe's public, version-neutral ground (Frappe 15 and 16), and its layering holds: each
check of frappe_checks passes on the real app and catches a deliberately broken one."""

import ast
import json
import shutil
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import frappe_checks
import pytest
from app_checks import APP
from user_strings import french

# Import cycles tolerated until they are gone (the check then asks to forget them): none, keep it so
KNOWN_CYCLES: frozenset = frozenset()


def write(root: Path, files: dict[str, str]) -> Path:
	"""A small app named itil_crm under ``root`` holding ``files`` (path -> text)."""
	app = root / "itil_crm"
	for rel, text in files.items():
		path = app / rel
		path.parent.mkdir(parents=True, exist_ok=True)
		path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
	return app


@pytest.fixture
def copy_of_app(tmp_path) -> Path:
	app = tmp_path / "itil_crm"
	shutil.copytree(APP, app, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
	return app


def caught(problems: list[str], *expected: str) -> None:
	for text in expected:
		assert any(text in p for p in problems), (text, problems)


# --- a. no /app/ route ---------------------------------------------------------------------------------


def test_no_app_route_literal():
	assert frappe_checks.check_no_app_routes() == []


def test_an_app_route_literal_is_caught(tmp_path):
	app = write(
		tmp_path,
		{
			"x/x.js": 'frm.add_custom_button("CI", () => (window.location = "/app/itil-configuration-item/" + n));\n',
			"x/x.py": 'url = get_url(f"/app/itil-change/{name}")\n',
			"x/x.html": '<a href="/app/itil-incident/{{ name }}">x</a>\n',
			"x/x.json": '{"url": "/app/itil"}\n',
			# not desk routes: the apps screen, the portal, Frappe's own helpers
			"y/y.js": 'frappe.set_route("Form", "ITIL Incident", n); location.href = "/apps";\n',
			"y/y.py": 'route = get_url_to_form("ITIL Change", name); portal = "/incidents/x"\n',
		},
	)
	problems = frappe_checks.check_no_app_routes(app)
	assert len(problems) == 4, problems
	caught(problems, "x/x.js:1", "x/x.py:1", "x/x.html:1", "x/x.json:1")


# --- b. no SQL function in the fields of get_list / get_all --------------------------------------------


def test_no_sql_function_in_list_fields():
	assert frappe_checks.check_sql_function_fields() == []


def test_sql_functions_in_list_fields_are_caught(tmp_path):
	app = write(
		tmp_path,
		{
			"service_desk/charts.py": """
				import frappe

				COUNTED = ["status", "count(*) as n"]


				def per_day(field):
					frappe.get_list("ITIL Incident", fields=[f"date({field}) as day", "count(*) as n"])
					frappe.get_all("ITIL Incident", ["name", "sum(tier) as tiers"])
					frappe.db.get_all("ITIL Incident", fields=COUNTED, group_by="status")
					frappe.db.get_values("ITIL Incident", {}, ["max(opened_on)"])
					frappe.db.get_value("ITIL Incident", {}, "min(opened_on) as first")
					frappe.get_list("ITIL Incident", fields=[*(f"avg({k})" for k in ("a", "b"))])
					frappe.get_list("ITIL Incident", pluck="timestampdiff(second, opened_on, resolved_on)")
					# clean: plain fields, a child table's field, a filter that names a function in a value
					frappe.get_list("ITIL Incident", fields=["name", "`tabITIL Affected CI`.ci"])
					frappe.get_all("ITIL Incident", filters={"subject": "count(*)"}, pluck="name")
			""",
			# the tests may write what they like
			"tests/test_charts.py": 'import frappe\nfrappe.get_list("X", fields=["count(*) as n"])\n',
			"service_desk/test_charts.py": 'import frappe\nfrappe.get_list("X", fields=["count(*) as n"])\n',
		},
	)
	problems = frappe_checks.check_sql_function_fields(app)
	assert len(problems) == 7, problems
	for line in (7, 8, 9, 10, 11, 12, 13):
		caught(problems, f"service_desk/charts.py:{line}:")
	caught(
		problems,
		"charts.py:7: get_list with SQL functions in its fields ('date(x) as day', 'count(*) as n')",
		"charts.py:9: get_all with SQL functions in its fields ('count(*) as n')",  # a module constant
		"charts.py:12: get_list with SQL functions in its fields ('avg(x)')",
	)


# --- c. pure engines -----------------------------------------------------------------------------------


def test_the_engines_are_pure():
	assert frappe_checks.check_pure_engines() == []


def test_an_engine_importing_frappe_is_caught(tmp_path):
	app = write(
		tmp_path,
		{
			"engines/__init__.py": "",
			"engines/clean.py": "import datetime\nfrom itil_crm.engines.lifecycle import OPEN_STATUSES\nfrom . import clock\n",
			"engines/clock.py": "def now():\n\timport frappe.utils\n\treturn frappe.utils.now_datetime()\n",
			"engines/dates.py": "from frappe.utils import getdate\n",
			"engines/statuses.py": "from itil_crm.queries import permitted\nfrom ..service_level import site_time\n",
		},
	)
	problems = frappe_checks.check_pure_engines(app)
	assert len(problems) == 4, problems
	caught(
		problems,
		"engines/clock.py:2: an engine imports frappe",
		"engines/dates.py:1: an engine imports frappe",
		"engines/statuses.py:1: an engine imports itil_crm.queries.permitted",
		"engines/statuses.py:2: an engine imports itil_crm.service_level.site_time",
	)


# --- d. no import cycle between packages ---------------------------------------------------------------


def test_no_import_cycle_between_the_packages():
	assert frappe_checks.check_package_cycles(known=KNOWN_CYCLES) == []


def test_an_import_cycle_is_caught(tmp_path):
	app = write(
		tmp_path,
		{
			"alpha/__init__.py": "from itil_crm.beta.tools import helper\n",
			"beta/__init__.py": "",
			"beta/tools.py": "def helper():\n\tfrom ..gamma import thing\n\treturn thing\n",
			"gamma/__init__.py": "from itil_crm import alpha\nthing = 1\n",
			# no cycle: delta uses alpha, nobody uses delta; queries.py is a node of its own
			"delta/__init__.py": "import itil_crm.alpha\nfrom itil_crm.queries import permitted\n",
			"queries.py": "import frappe\n",
			# the tests import everything and are not part of the layering
			"tests/test_all.py": "import itil_crm.delta\nimport itil_crm.queries\n",
			"queries_test_helper/test_x.py": "from itil_crm import delta\n",
		},
	)
	(app / "delta" / "uses.py").write_text("from itil_crm.gamma import thing\n")
	assert frappe_checks.import_cycles(frappe_checks.package_imports(app)) == [["alpha", "beta", "gamma"]]
	(problem,) = frappe_checks.check_package_cycles(app)
	caught(
		[problem],
		"import cycle between alpha, beta, gamma",
		"alpha -> beta (alpha/__init__.py:1)",
		"beta -> gamma (beta/tools.py:2)",
		"gamma -> alpha (gamma/__init__.py:1)",
	)
	assert (
		frappe_checks.check_package_cycles(app, known=frozenset({frozenset({"alpha", "beta", "gamma"})}))
		== []
	)
	assert frappe_checks.check_package_cycles(
		app, known=frozenset({frozenset({"alpha", "beta", "gamma"}), frozenset({"alpha", "delta"})})
	) == ["the known import cycle between alpha, delta is gone: forget it"]


# --- e. doc_events -------------------------------------------------------------------------------------


def test_doc_events_only_on_other_apps_doctypes():
	assert frappe_checks.check_doc_events() == []


def test_doc_events_on_everything_or_on_our_doctypes_are_caught(tmp_path):
	app = write(
		tmp_path,
		{
			"module/doctype/itil_thing/itil_thing.json": json.dumps(
				{"doctype": "DocType", "name": "ITIL Thing"}
			),
			"hooks.py": """
				_events = {"on_update": "itil_crm.x.y"}
				doc_events = {
					"*": {"on_update": "itil_crm.x.y"},
					"ITIL Thing": _events,
					"Communication": _events,
					"HD Ticket": _events,
				}
			""",
		},
	)
	problems = frappe_checks.check_doc_events(app)
	assert len(problems) == 2, problems
	caught(
		problems,
		'hooks.py:3: doc_events on "*"',
		"hooks.py:4: doc_events on the app's own doctype 'ITIL Thing'",
	)


# --- f. Frappe's private names -------------------------------------------------------------------------


def test_frappe_private_names_only_in_the_fixes_and_listed():
	assert frappe_checks.check_private_frappe_names() == []
	assert [u for u in frappe_checks.private_frappe_uses() if not u[0].startswith("frappe_fixes/")] == []


def test_the_fixes_folder_lists_its_private_names():
	init = APP / "frappe_fixes" / "__init__.py"
	assert "Frappe 15 holes" in ast.get_docstring(ast.parse(init.read_text()))
	assert isinstance(frappe_checks.allowed_private_names(), dict)


def test_private_frappe_names_are_caught(tmp_path):
	app = write(
		tmp_path,
		{
			"service_desk/cursor.py": """
				import frappe
				import frappe.model.document as document
				from frappe import _, _dict, _lt
				from frappe.model.document import Document as Base
				from frappe.model.base_document import _filter

				def run(doc):
					frappe.db._cursor.execute("select 1")
					frappe.local._itil_cache = _dict()
					frappe.get_doc("ITIL Incident", doc)._doc_before_save
					Base._validate_links(doc)
					document._get_doc_before_save
					frappe._dict(a=1), _("Text"), frappe._("Text"), _lt("Text"), frappe.__version__
					doc._private_of_the_app  # not a Frappe name
			""",
			"service_desk/doctype/itil_thing/itil_thing.py": """
				from itil_crm.frappe_fixes.json_text import SanitizedDocument

				class ITILThing(SanitizedDocument):
					def validate(self):
						pass

					def db_update(self):
						pass

					def _validate_links(self):
						pass

					def __repr__(self):
						return "thing"

				class ITILThingHelper:
					def _cache(self):
						pass
			""",
			"service_desk/doctype/itil_page/itil_page.py": """
				import frappe.model.document

				class ITILPage(frappe.model.document.Document):
					def run_post_save_methods(self):
						pass
			""",
			"frappe_fixes/json_text.py": """
				from frappe.model.document import Document

				class SanitizedDocument(Document):
					def before_validate(self):
						pass
			""",
			"frappe_fixes/fix.py": """
				import frappe

				def fix():
					frappe.db._cursor
					frappe.flags._unlisted
			""",
			"frappe_fixes/__init__.py": """
				PRIVATE_FRAPPE_NAMES: dict[str, set[str]] = {
					"frappe_fixes/fix.py": {"_cursor"},
					"frappe_fixes/gone.py": {"_conn"},
					"service_desk/cursor.py": {"_cursor"},
				}
			""",
		},
	)
	uses = {(rel, name) for rel, name, _line, _what in frappe_checks.private_frappe_uses(app)}
	assert uses == {
		("service_desk/cursor.py", "_filter"),
		("service_desk/cursor.py", "_cursor"),
		("service_desk/cursor.py", "_itil_cache"),
		("service_desk/cursor.py", "_doc_before_save"),
		("service_desk/cursor.py", "_validate_links"),
		("service_desk/cursor.py", "_get_doc_before_save"),
		("service_desk/doctype/itil_thing/itil_thing.py", "db_update"),
		("service_desk/doctype/itil_thing/itil_thing.py", "_validate_links"),
		("service_desk/doctype/itil_page/itil_page.py", "run_post_save_methods"),
		("frappe_fixes/fix.py", "_cursor"),
		("frappe_fixes/fix.py", "_unlisted"),
	}, uses
	problems = frappe_checks.check_private_frappe_names(app)
	caught(
		problems,
		"service_desk/cursor.py:8: Frappe's private '_cursor' outside frappe_fixes/",
		"service_desk/cursor.py:5: Frappe's private '_filter' outside frappe_fixes/",
		"itil_thing.py:7: Frappe's private 'db_update' outside frappe_fixes/ (ITILThing.db_update replaces",
		"frappe_fixes/fix.py:5: Frappe's private '_unlisted' is not listed in PRIVATE_FRAPPE_NAMES",
		"PRIVATE_FRAPPE_NAMES lists '_conn' for frappe_fixes/gone.py, which does not use it",
		"PRIVATE_FRAPPE_NAMES lists service_desk/cursor.py, which is not in frappe_fixes/",
	)
	assert not [p for p in problems if "frappe_fixes/fix.py" in p and "'_cursor'" in p], problems


# --- Number Cards and Dashboard Charts -----------------------------------------------------------------


def test_card_and_chart_conditions_have_four_elements():
	assert frappe_checks.check_filter_conditions() == []


def test_a_five_element_condition_is_caught(tmp_path):
	condition = ["ITIL Incident", "status", "=", "New"]
	app = write(
		tmp_path,
		{
			"service_desk/number_card/five/five.json": json.dumps(
				{"filters_json": json.dumps([condition, [*condition, False]]), "dynamic_filters_json": "[]"}
			),
			"service_desk/dashboard_chart/dynamic/dynamic.json": json.dumps(
				{"filters_json": "{}", "dynamic_filters_json": json.dumps([[*condition, "x", False]])}
			),
			"service_desk/dashboard_chart/clean/clean.json": json.dumps(
				{"filters_json": json.dumps([condition]), "dynamic_filters_json": None}
			),
		},
	)
	problems = frappe_checks.check_filter_conditions(app)
	assert len(problems) == 2, problems
	caught(
		problems,
		'number_card/five/five.json: filters_json condition ["ITIL Incident", "status", "=", "New", false]',
		"dashboard_chart/dynamic/dynamic.json: dynamic_filters_json condition",
	)


# --- Workspace Sidebar (Frappe 16) ---------------------------------------------------------------------


def test_the_workspace_sidebar_links_the_app():
	assert frappe_checks.check_workspace_sidebars() == []
	sidebar = json.loads((APP / "workspace_sidebar" / "itil.json").read_text())
	workspace = json.loads((APP / "service_desk" / "workspace" / "itil" / "itil.json").read_text())
	assert (sidebar["name"], sidebar["module"]) == ("ITIL", workspace["module"])
	home = sidebar["items"][0]
	assert (home["label"], home["link_type"], home["link_to"]) == ("Home", "Workspace", workspace["name"])
	sections = [i["label"] for i in sidebar["items"] if i["type"] == "Section Break"]
	assert sections == [
		"Incidents",
		"Problems & Known Errors",
		"Changes & Go-Lives",
		"CMDB",
		"Service Level",
		"Reports",
		"Setup",
	]
	# every report of the app is in the sidebar, and what it shows reads in French
	reports = {p.stem for p in APP.glob("*/report/*/*.json")}
	linked = {frappe_checks.scrub(i["link_to"]) for i in sidebar["items"] if i.get("link_type") == "Report"}
	assert linked == reports
	labels = {sidebar["title"]} | {i["label"] for i in sidebar["items"]}
	assert not labels - set(french()), labels - set(french())


@pytest.mark.parametrize(
	"change, expected",
	[
		(
			lambda items: items[2].update(link_to="ITIL Incidnt"),
			"link_to 'ITIL Incidnt' is no DocType of the app",
		),
		(
			lambda items: items[2].update(link_to="ITIL Affected CI"),
			"link_to 'ITIL Affected CI' is no DocType",
		),
		(
			lambda items: items[2].update(link_type="Report"),
			"link_to 'ITIL Incident' is no Report of the app",
		),
		(lambda items: items[0].update(link_to="Home"), "link_to 'Home' is no Workspace of the app"),
		(lambda items: items[2].update(link_type="Page"), "link_type 'Page' is not one of"),
		(lambda items: items[2].update(child=0), "child must be 1"),
		(lambda items: items[0].update(child=1), "child must be 0"),
		(lambda items: items[2].update(type="Card Break"), "is neither Link nor Section Break"),
	],
)
def test_a_broken_sidebar_is_caught(copy_of_app, change, expected):
	path = copy_of_app / "workspace_sidebar" / "itil.json"
	sidebar = json.loads(path.read_text())
	change(sidebar["items"])
	path.write_text(json.dumps(sidebar, indent=1, sort_keys=True) + "\n")
	caught(frappe_checks.check_workspace_sidebars(copy_of_app), expected)


def test_a_sidebar_of_another_module_or_format_is_caught(copy_of_app):
	path = copy_of_app / "workspace_sidebar" / "itil.json"
	sidebar = json.loads(path.read_text())
	sidebar.update(module="Nowhere", standard=0)
	path.write_text(json.dumps(sidebar, indent=2))
	caught(
		frappe_checks.check_workspace_sidebars(copy_of_app),
		"module 'Nowhere' is not in modules.txt",
		"is standard and names the app",
		"not written as Frappe exports it",
	)


# --- the apps screen -----------------------------------------------------------------------------------


def test_the_apps_screen_entry():
	tree = ast.parse((APP / "hooks.py").read_text())
	(entry,) = ast.literal_eval(
		ast.unparse(frappe_checks._hook_value(tree, "add_to_apps_screen")).replace(
			"f'/{_desk}/itil'", "'/app/itil'"
		)
	)
	assert entry["name"] == "itil_crm" and entry["title"] == "ITIL"
	assert entry["has_permission"] == "itil_crm.desk_access.has_app_permission"
	logo = APP / "public" / entry["logo"].removeprefix("/assets/itil_crm/")
	svg = ET.parse(logo).getroot()
	assert svg.tag.endswith("svg") and "#2f6f9f" in logo.read_text()
