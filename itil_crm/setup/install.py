"""Install, migrate and uninstall: roles, custom fields for the apps present, editable defaults."""

import frappe

from itil_crm.incident_management import duplicates, numbers
from itil_crm.integrations.custom_fields import CUSTOM_FIELDS, MODULE, all_field_names
from itil_crm.onboarding import step_names
from itil_crm.service_desk import assignment, boards
from itil_crm.service_level.calendars import follow_system_time_zone
from itil_crm.service_level.selection import forget_candidates
from itil_crm.setup import default_data
from itil_crm.setup.seed import seed_defaults
from itil_crm.ticket_bridge.intake_defaults import FORM_SCRIPT, remove_ticket_intake, seed_ticket_intake

APP = "itil_crm"


def after_install():
	ensure_roles()
	sync_custom_fields()
	seed_defaults()
	ensure_indexes()
	seed_ticket_intake()
	assignment.sync_all()
	boards.ensure_boards()
	numbers.ensure_sequences()


def after_migrate():
	ensure_roles()
	sync_custom_fields()
	ensure_indexes()
	numbers.ensure_sequences()
	follow_system_time_zone()  # also when the zone was written without System Settings' hooks
	forget_candidates()  # patches may have changed agreements


def after_app_install(app_name: str):
	"""ERPNext or Helpdesk arrived after us: add the fields that link to it."""
	if app_name in CUSTOM_FIELDS and app_name != APP and APP in frappe.get_installed_apps():
		sync_custom_fields(apps=[app_name])
		seed_ticket_intake(apps=[app_name])
		forget_candidates()  # ERPNext brings the customer group to select on


def before_app_uninstall(app_name: str):
	"""ERPNext or Helpdesk leaves: remove our fields that point at its doctypes."""
	if app_name in CUSTOM_FIELDS and app_name not in ("frappe", APP) and APP in frappe.get_installed_apps():
		remove_ticket_intake(apps=[app_name])
		remove_custom_fields(apps=[app_name])


def before_uninstall():
	"""Leave nothing of ours behind on the doctypes that stay."""
	remove_ticket_intake(apps=list(CUSTOM_FIELDS))
	remove_custom_fields(apps=list(CUSTOM_FIELDS))
	for name in frappe.get_all("Assignment Rule", filters={"document_type": "ITIL Incident"}, pluck="name"):
		frappe.delete_doc("Assignment Rule", name, ignore_permissions=True, force=True)
	ours = frappe.get_all("DocType", filters={"module": ["in", _modules()]}, pluck="name")
	for name in frappe.get_all("Custom Field", filters={"dt": ["in", ours]}, pluck="name"):
		frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
	for name in frappe.get_all(
		"Property Setter",
		or_filters={"doc_type": ["in", ours], "field_name": ["like", "itil\\_%"]},
		pluck="name",
	):
		frappe.delete_doc("Property Setter", name, ignore_permissions=True, force=True)
	# records of frappe's doctypes that have no module to be removed with
	boards.remove_boards()
	numbers.drop_sequences()
	for step in step_names():
		if frappe.db.exists("Onboarding Step", step):
			frappe.delete_doc("Onboarding Step", step, ignore_permissions=True, force=True)
	for role in default_data.ROLES + default_data.PORTAL_ROLES:
		if frappe.db.exists("Role", role):
			frappe.db.delete("Has Role", {"role": role})
			frappe.db.delete("Custom DocPerm", {"role": role})
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)


def _modules() -> list[str]:
	return frappe.get_module_list(APP)


def ensure_indexes():
	"""One ticket, one incident: a unique index backs the row lock of the ticket bridge."""
	frappe.db.add_unique(
		"ITIL Incident", ["source_type", "source_name"], constraint_name="unique_source_ticket"
	)
	duplicates.ensure_index()  # possible duplicates are found through these indexes
	# known-error suggestions read the postings of a term (covering: no row lookups); the
	# candidate-problem job reads the window of incidents without a problem
	frappe.db.add_index("ITIL Known Error Term", ["term", "known_error", "weight"])
	frappe.db.add_index("ITIL Incident", ["opened_on", "problem"])
	# the workspace's numbers and charts: open incidents by SLA status, priority, due date and age
	for columns in (
		["status", "sla_status"],
		["status", "priority"],
		["status", "resolution_by"],
		["status", "opened_on"],
	):
		frappe.db.add_index("ITIL Incident", columns)
	# the service observatory's rollups and reads: incidents by the month of each event, a service's
	# incidents and outages by CI, the legs released in a month
	for columns in (
		["resolved_on"],
		["first_responded_on"],
		["configuration_item", "opened_on"],
		["configuration_item", "resolved_on"],
	):
		frappe.db.add_index("ITIL Incident", columns)
	frappe.db.add_index("ITIL Incident Leg", ["released_on"])
	frappe.db.add_index("ITIL Incident Leg", ["incident", "tier"])
	# which months moved since the last refresh (the hourly job, and each service review before it freezes)
	frappe.db.add_index("ITIL Incident Leg", ["modified"])
	frappe.db.add_index("ITIL SLA Event", ["event_type", "incident"])
	for columns in (["by_configuration_item", "month", "customer"], ["configuration_item", "month"]):
		frappe.db.add_index("ITIL Service Rollup", columns)


def ensure_roles():
	for role in default_data.ROLES + default_data.PORTAL_ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc(
				{"doctype": "Role", "role_name": role, "desk_access": int(role in default_data.ROLES)}
			).insert(ignore_permissions=True)
	# the doctype sync creates a role named in a permission rule before we do, with desk access: a
	# portal customer must stay a Website User
	for role in default_data.PORTAL_ROLES:
		if frappe.db.get_value("Role", role, "desk_access"):
			doc = frappe.get_doc("Role", role)
			doc.desk_access = 0
			doc.save(ignore_permissions=True)


def _apps_present(apps=None) -> list[str]:
	installed = set(frappe.get_installed_apps())
	return [app for app in (apps or CUSTOM_FIELDS) if app in installed or app == "frappe"]


def sync_custom_fields(apps=None):
	"""Create or update our custom fields for the installed apps; touch nothing that is already right."""
	for app in _apps_present(apps):
		for doctype, fields in CUSTOM_FIELDS[app].items():
			if not frappe.db.exists("DocType", doctype):
				continue
			for df in fields:
				_ensure_custom_field(doctype, df)
	frappe.clear_cache()


def _ensure_custom_field(doctype: str, df: dict):
	name = f"{doctype}-{df['fieldname']}"
	wanted = {**df, "dt": doctype, "module": MODULE, "is_system_generated": 1}
	if not frappe.db.exists("Custom Field", name):
		frappe.get_doc({"doctype": "Custom Field", **wanted}).insert(ignore_permissions=True)
		return
	doc = frappe.get_doc("Custom Field", name)
	changed = {k: v for k, v in wanted.items() if (doc.get(k) or 0) != (v or 0)}
	if changed:
		doc.update(changed)
		doc.save(ignore_permissions=True)


def remove_custom_fields(apps):
	for app in apps:
		for doctype, fields in CUSTOM_FIELDS.get(app, {}).items():
			for df in fields:
				name = f"{doctype}-{df['fieldname']}"
				if frappe.db.exists("Custom Field", name):
					frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
	frappe.clear_cache()


def footprint() -> dict:
	"""What itil_crm wrote outside its own tables, with modification times: equal before and after a
	re-run of migrate when migrate changes nothing. Used by CI (bench execute) and the tests."""
	ours = frappe.get_all("DocType", filters={"module": ["in", _modules()]}, pluck="name")
	rows = {}
	rows["Custom Field"] = frappe.get_all(
		"Custom Field",
		filters={"name": ["in", all_field_names()]},
		fields=["name", "modified"],
		order_by="name",
	)
	rows["Custom Field on ours"] = frappe.get_all(
		"Custom Field", filters={"dt": ["in", ours]}, fields=["name", "modified"], order_by="name"
	)
	rows["Property Setter"] = frappe.get_all(
		"Property Setter",
		or_filters={"doc_type": ["in", ours], "field_name": ["like", "itil\\_%"]},
		fields=["name", "modified"],
		order_by="name",
	)
	rows["Role"] = frappe.get_all(
		"Role",
		filters={"name": ["in", default_data.ROLES + default_data.PORTAL_ROLES]},
		fields=["name", "modified"],
		order_by="name",
	)
	rows["DocType"] = frappe.get_all(
		"DocType", filters={"name": ["in", ours]}, fields=["name", "modified"], order_by="name"
	)
	return {k: [(r.name, str(r.modified)) for r in v] for k, v in rows.items()}


def leftovers() -> dict:
	"""After uninstall: anything of ours still on the site (should be empty)."""
	found = {
		"DocType": frappe.get_all("DocType", filters={"name": ["like", "ITIL %"]}, pluck="name"),
		"Module Def": frappe.get_all("Module Def", filters={"app_name": APP}, pluck="name"),
		"Custom Field": frappe.get_all(
			"Custom Field",
			or_filters={
				"name": ["in", all_field_names()],
				"dt": ["like", "ITIL %"],
				"fieldname": ["like", "itil\\_%"],
			},
			pluck="name",
		),
		"Property Setter": frappe.get_all(
			"Property Setter",
			or_filters={"doc_type": ["like", "ITIL %"], "field_name": ["like", "itil\\_%"]},
			pluck="name",
		),
		"Role": frappe.get_all(
			"Role", filters={"name": ["in", default_data.ROLES + default_data.PORTAL_ROLES]}, pluck="name"
		),
		"Workspace": frappe.get_all("Workspace", filters={"name": "ITIL"}, pluck="name"),
		"Kanban Board": frappe.get_all(
			"Kanban Board", filters={"reference_doctype": ["like", "ITIL %"]}, pluck="name"
		),
		"Onboarding Step": frappe.get_all(
			"Onboarding Step", filters={"name": ["like", "ITIL %"]}, pluck="name"
		),
		"Assignment Rule": frappe.get_all(
			"Assignment Rule", filters={"document_type": ["like", "ITIL %"]}, pluck="name"
		),
		"HD Form Script": frappe.get_all("HD Form Script", filters={"name": FORM_SCRIPT}, pluck="name")
		if frappe.db.table_exists("HD Form Script")
		else [],
		"Tables": [t for t in frappe.db.get_tables(cached=False) if t.startswith("tabITIL ")],
		"Sequences": sorted(numbers.stored_years()),
	}
	return {k: v for k, v in found.items() if v}
