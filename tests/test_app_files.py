"""Static checks of the app's files, and proof that each check catches a broken file."""

import json
import shutil
from pathlib import Path

import app_checks
import pytest

from itil_crm.integrations.custom_fields import CUSTOM_FIELDS

REQUIRED_DOCTYPES = [
	"ITIL Incident", "ITIL Problem", "ITIL Known Error", "ITIL Change", "ITIL Configuration Item",
	"ITIL Impact", "ITIL Urgency", "ITIL Priority", "ITIL Settings", "ITIL Support Group",
	"ITIL Service Calendar", "ITIL Service Agreement", "ITIL Go-Live",
]  # fmt: skip

REQUIRED_LINKS = {
	("ITIL Incident", "problem"): "ITIL Problem",
	("ITIL Incident", "known_error"): "ITIL Known Error",
	("ITIL Problem", "known_error"): "ITIL Known Error",
	("ITIL Incident", "configuration_item"): "ITIL Configuration Item",
	("ITIL Incident", "impact"): "ITIL Impact",
	("ITIL Incident", "urgency"): "ITIL Urgency",
	("ITIL Incident", "priority"): "ITIL Priority",
	("ITIL Incident", "support_group"): "ITIL Support Group",
	("ITIL Incident", "channel"): "ITIL Channel",
	("ITIL Incident", "service_agreement"): "ITIL Service Agreement",
	("ITIL Go-Live", "change"): "ITIL Change",
}


def test_app_doctypes_pass_every_check(ref):
	assert app_checks.check_doctypes(ref) == []


def test_custom_field_definitions_pass(ref):
	assert app_checks.check_custom_fields(ref, CUSTOM_FIELDS) == []


def test_hooks_resolve_to_functions():
	assert app_checks.check_hooks() == []


def test_dashboards_name_known_doctypes():
	assert app_checks.check_dashboards() == []


def test_required_doctypes_exist():
	doctypes = app_checks.load_doctypes()
	assert set(REQUIRED_DOCTYPES) <= set(doctypes)
	assert doctypes["ITIL Settings"].get("issingle") == 1


def test_required_link_fields():
	doctypes = app_checks.load_doctypes()
	for (dt, fieldname), target in REQUIRED_LINKS.items():
		field = app_checks._fields(doctypes[dt])[fieldname]
		assert (field["fieldtype"], field["options"]) == ("Link", target), (dt, fieldname)
	incident = app_checks._fields(doctypes["ITIL Incident"])
	assert incident["customer"]["fieldtype"] == "Dynamic Link"
	assert incident["customer"]["options"] == "customer_type"
	assert incident["customer_type"]["options"] == "DocType"
	for name in ("response_by", "resolution_by", "first_responded_on", "resolved_on", "sla_status"):
		assert name in incident
	ci = app_checks._fields(doctypes["ITIL Configuration Item"])
	assert ci["environment"]["options"].split("\n") == ["Production", "Test", "Development"]
	assert "criticality" in ci
	for dt in ("ITIL Problem", "ITIL Known Error", "ITIL Change", "ITIL Go-Live"):
		tables = [
			f
			for f in doctypes[dt]["fields"]
			if f["fieldtype"] == "Table" and f["options"] == "ITIL Affected CI"
		]
		assert tables, f"{dt} must list its affected CIs"
	change = app_checks._fields(doctypes["ITIL Change"])
	assert doctypes[change["problems"]["options"]]["fields"][0]["options"] == "ITIL Problem"
	assert doctypes[change["known_errors"]["options"]]["fields"][0]["options"] == "ITIL Known Error"


def test_service_agreement_types():
	agreement = app_checks._fields(app_checks.load_doctypes()["ITIL Service Agreement"])
	assert agreement["agreement_type"]["options"].split("\n") == ["SLA", "OLA", "UC"]


# --- each check really fails on a broken app --------------------------------------------------


@pytest.fixture
def broken_app(tmp_path) -> Path:
	app = tmp_path / "itil_crm"
	shutil.copytree(app_checks.APP, app, ignore=shutil.ignore_patterns("__pycache__"))
	return app


def _edit(app: Path, doctype: str, change):
	path = (
		app
		/ "incident_management"
		/ "doctype"
		/ app_checks.scrub(doctype)
		/ f"{app_checks.scrub(doctype)}.json"
	)
	data = json.loads(path.read_text())
	change(data)
	path.write_text(json.dumps(data, indent=1))


def _field(data, fieldname):
	return next(f for f in data["fields"] if f["fieldname"] == fieldname)


@pytest.mark.parametrize(
	"change, expected",
	[
		(lambda d: _field(d, "subject").update(fieldtype="Textarea"), "invalid fieldtype 'Textarea'"),
		(
			lambda d: _field(d, "problem").update(options="ITIL Problemm"),
			"neither a doctype of this app nor of frappe",
		),
		(
			lambda d: _field(d, "channel").update(options="Customer"),
			"neither a doctype of this app nor of frappe",
		),
		(lambda d: _field(d, "customer").update(options="channel"), "Dynamic Link options must name"),
		(
			lambda d: _field(d, "caller_email").update(depends_on="eval:doc.no_such_field"),
			"unknown field 'no_such_field'",
		),
		(lambda d: _field(d, "tier").update(fetch_from="support_group.no_tier"), "has no field 'no_tier'"),
		(lambda d: _field(d, "tier").update(fetch_from="subject.tier"), "is not a Link field"),
		(lambda d: d.update(title_field="headline"), "title_field 'headline' is not a field"),
		(lambda d: d.update(search_fields="subject,nope"), "unknown field 'nope'"),
		(lambda d: d.update(name="Incident"), "must start with 'ITIL '"),
		(lambda d: d.update(module="Nowhere"), "not in modules.txt"),
		(lambda d: _field(d, "affected_cis").update(options="ITIL Problem"), "must be a child doctype"),
		(
			lambda d: d["fields"].append(
				{"fieldname": "company", "fieldtype": "Link", "options": "ITIL Channel", "label": "Company"}
			),
			"takes the global default of that name",
		),
	],
)
def test_broken_incident_is_caught(ref, broken_app, change, expected):
	_edit(broken_app, "ITIL Incident", change)
	problems = app_checks.check_doctypes(ref, broken_app)
	assert any(expected in p for p in problems), problems


def test_taken_name_is_caught(ref, broken_app):
	ref.taken["ITIL Incident"] = "some_app"
	try:
		problems = app_checks.check_doctypes(ref, broken_app)
	finally:
		del ref.taken["ITIL Incident"]
	assert any("already taken by some_app" in p for p in problems)


def test_broken_custom_fields_are_caught(ref):
	bad = {
		"frappe": {"Contact": [{"fieldname": "key_contact", "fieldtype": "Check", "insert_after": "nope"}]},
		"helpdesk": {"HD Ticket": [{"fieldname": "itil_x", "fieldtype": "Link", "options": "Asset"}]},
	}
	bad["erpnext"] = {
		"ITIL Service Agreement": [
			{
				"fieldname": "customer_group",
				"fieldtype": "Link",
				"options": "Customer Group",
				"insert_after": "customer",
			}
		]
	}
	bad["erpnext"]["ITIL Service Agreement"].append(
		{
			"fieldname": "sla_group",
			"fieldtype": "Link",
			"options": "Customer Group",
			"insert_after": "customer",
		}
	)
	problems = app_checks.check_custom_fields(ref, bad)
	assert any("'customer_group' takes the global default" in p for p in problems)
	assert any(
		"sla_group (erpnext): a Link to 'Customer Group' takes the global default 'customer_group' in the form"
		in p
		for p in problems
	)
	assert any("prefixed itil_" in p for p in problems)
	assert any("insert_after 'nope'" in p for p in problems)
	assert any("'Asset' is not available where helpdesk" in p for p in problems)


def test_broken_hook_is_caught(tmp_path, broken_app):
	hooks = broken_app / "hooks.py"
	hooks.write_text(
		hooks.read_text()
		+ '\nscheduler_events = {"daily": ["itil_crm.setup.install.no_such_job", "itil_crm.nowhere.job"]}\n'
	)
	problems = app_checks.check_hooks(hooks, broken_app.parent)
	assert any("defines no function no_such_job" in p for p in problems)
	assert any("no module itil_crm.nowhere" in p for p in problems)


def test_every_editable_doctype_tracks_changes():
	"""Who changed what (priority, agreement, status, CAB decision, sign-off...) is kept in Version on every
	doctype someone may edit; logs that nobody edits (events, exchanges, the search index) need not."""
	from app_checks import load_doctypes

	untracked = [
		name
		for name, d in load_doctypes().items()
		if not d.get("istable")
		and any(p.get("write") for p in d["permissions"])
		and not d.get("track_changes")
	]
	assert untracked == []
