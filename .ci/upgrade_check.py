"""The upgrade run's before / after picture of a site's ITIL records (run by .ci/run with the bench's
python from the bench's sites folder; it imports nothing of itil_crm, so it runs against any version).

    ../env/bin/python upgrade_check.py snapshot <site> <file>   # with the previous version installed
    ../env/bin/python upgrade_check.py compare <site> <file>    # after `migrate` to the new version
    ../env/bin/python upgrade_check.py check <site> -           # the checks alone, on any site

compare fails (exit 1) when a record, a link or a clock differs, when the agreements still hold the
customer group that ERPNext's default leaked into them, when a seeded calendar is not in the site's
time zone, or when an incident without a customer gets no default SLA. It then runs the new version's
patches a second time and checks that they change nothing.
"""

import json
import sys

import frappe

# what must survive an upgrade untouched, per doctype
RECORDS = {
	"ITIL Incident": [
		"status", "priority", "impact", "urgency", "customer_type", "customer", "caller", "channel",
		"configuration_item", "support_group", "problem", "known_error", "service_agreement",
		"response_by", "resolution_by", "first_responded_on", "resolved_on", "sla_status",
		"next_sla_check", "sla_notified",
	],
	"ITIL Problem": ["status", "known_error", "priority"],
	"ITIL Known Error": ["title", "workaround"],
	"ITIL Change": ["status", "change_type", "incident"],
	"ITIL Configuration Item": ["ci_type", "environment", "criticality", "support_group"],
	"ITIL Go-Live": ["status", "change"],
	"ITIL Support Group": ["tier", "escalation_group", "service_agreement"],
	"ITIL Service Agreement": ["agreement_type", "is_default", "enabled", "customer_type", "customer", "service_calendar"],
}  # fmt: skip
CHILDREN = {
	"ITIL CI Relationship": ["parent", "idx", "relationship_type", "target_ci"],
	"ITIL Affected CI": ["parent", "parenttype", "idx", "configuration_item"],
}
# an incident's history: child tables of the incident up to 0.3 (parent), its own doctypes since 0.4
# (incident); the same rows, in the same order, must be found under the same incident
HISTORY = {
	"ITIL SLA Event": ["idx", "event_type", "at", "value", "note"],
	"ITIL Incident Leg": ["idx", "support_group", "service_agreement", "outcome", "assigned_on", "breached"],
	"ITIL Escalation": ["idx", "escalation_type", "trigger", "from_group", "to_group", "reason"],
}
PATCHES = [
	"itil_crm.patches.v0_2.agreement_scope_without_leaked_customer_group",
	"itil_crm.patches.v0_2.seeded_calendars_follow_system_time_zone",
	"itil_crm.patches.v0_2.seed_ticket_intake",
	"itil_crm.patches.v0_2.internal_incident_fields_for_customised_permissions",
	"itil_crm.patches.v0_2.index_known_errors",
	"itil_crm.patches.v0_2.change_settings_defaults",
	"itil_crm.patches.v0_2.go_live_warranty_defaults",
	"itil_crm.patches.v0_3.desk_boards",
	"itil_crm.patches.v0_3.drop_orphan_board_columns",
	"itil_crm.patches.v0_4.incident_history_in_own_doctypes",
	"itil_crm.patches.v0_4.helpdesk_form_script_calls_the_bridge",
]


def picture() -> dict:
	out = {}
	for doctype, fields in RECORDS.items():
		rows = frappe.get_all(doctype, fields=["name", *fields], order_by="name")
		out[doctype] = {r.name: {f: str(r.get(f)) for f in fields} for r in rows}
	for doctype, fields in CHILDREN.items():
		rows = frappe.get_all(doctype, fields=fields, order_by="parent, idx")
		out[doctype] = sorted("|".join(str(r.get(f)) for f in fields) for r in rows)
	for doctype, fields in HISTORY.items():
		owner = "incident" if frappe.get_meta(doctype).has_field("incident") else "parent"
		rows = frappe.get_all(doctype, fields=[owner, *fields], order_by=f"{owner}, idx")
		out[doctype] = sorted("|".join(str(r.get(f)) for f in (owner, *fields)) for r in rows)
	return out


def snapshot(path: str) -> None:
	data = picture()
	with open(path, "w") as f:
		json.dump(data, f, indent=1, sort_keys=True)
	print("snapshot:", ", ".join(f"{dt}: {len(v)}" for dt, v in data.items()))


def compare(path: str) -> list[str]:
	with open(path) as f:
		before = json.load(f)
	problems = diff(before, picture(), "after migrate")
	problems += checks()
	for patch in PATCHES:  # a patch run twice changes nothing
		again = picture()
		frappe.get_attr(patch + ".execute")()
		frappe.db.commit()
		problems += diff(again, picture(), f"after re-running {patch}")
	return problems


def diff(before: dict, after: dict, when: str) -> list[str]:
	problems = []
	for doctype, rows in before.items():
		if isinstance(rows, dict):
			for name, values in rows.items():
				now = after.get(doctype, {}).get(name)
				if now is None:
					problems.append(f"{when}: {doctype} {name} is gone")
					continue
				changed = {f: (v, now.get(f)) for f, v in values.items() if now.get(f) != v}
				if changed:
					problems.append(f"{when}: {doctype} {name} changed: {changed}")
		elif sorted(rows) != sorted(after.get(doctype, [])):
			lost = set(rows) - set(after.get(doctype, []))
			problems.append(
				f"{when}: {doctype} rows differ ({len(rows)} -> {len(after.get(doctype, []))}; lost {sorted(lost)[:5]})"
			)
	return problems


def checks() -> list[str]:
	problems = []
	meta = frappe.get_meta("ITIL Service Agreement")
	if frappe.db.has_column("ITIL Service Agreement", "customer_group"):
		problems.append("the old customer_group column is still there")
	if meta.has_field("sla_customer_group"):
		scoped = frappe.get_all(
			"ITIL Service Agreement",
			filters={"sla_customer_group": ["is", "set"], "is_default": 1},
			pluck="name",
		)
		if scoped:
			problems.append(f"default agreements still scoped to a customer group: {scoped}")
	zone = frappe.db.get_single_value("System Settings", "time_zone")
	for name in ("24x7", "Business Hours"):
		row = frappe.db.get_value("ITIL Service Calendar", name, ["timezone", "follow_system_time_zone"])
		if row and row != (zone, 1):
			problems.append(f"calendar {name}: {row}, expected ({zone!r}, 1)")
	# an incident without a customer gets a default SLA (inserted, then rolled back)
	incident = frappe.get_doc(
		{"doctype": "ITIL Incident", "subject": "upgrade check", "impact": "Medium", "urgency": "Medium"}
	).insert(ignore_permissions=True)
	if not incident.service_agreement:
		problems.append(f"an incident without a customer gets no SLA: {incident.agreement_reason}")
	else:
		print(
			f"an incident without a customer gets {incident.service_agreement}: {incident.agreement_reason}"
		)
	frappe.db.rollback()
	return problems


def main(mode: str, site: str, path: str) -> int:
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		if mode == "snapshot":
			snapshot(path)
			return 0
		problems = compare(path) if mode == "compare" else checks()
		for p in problems:
			print("UPGRADE PROBLEM:", p)
		ok = (
			"every record, link and clock intact; patches idempotent"
			if mode == "compare"
			else "site checks pass"
		)
		print(f"{mode}:", "failed" if problems else ok)
		return 1 if problems else 0
	finally:
		frappe.destroy()


if __name__ == "__main__":
	sys.exit(main(*sys.argv[1:4]))
