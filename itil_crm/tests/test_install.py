"""Install, migrate and the optional apps: what itil_crm adds, and only once."""

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.integrations.custom_fields import CUSTOM_FIELDS
from itil_crm.setup import default_data
from itil_crm.setup.install import (
	after_app_install,
	after_migrate,
	before_app_uninstall,
	footprint,
	sync_custom_fields,
)
from itil_crm.setup.seed import seed_defaults


def _expected_fields():
	installed = set(frappe.get_installed_apps())
	for app, per_doctype in CUSTOM_FIELDS.items():
		for doctype, fields in per_doctype.items():
			for df in fields:
				yield app, app == "frappe" or app in installed, f"{doctype}-{df['fieldname']}"


class TestInstall(FrappeTestCase):
	def test_roles_exist(self):
		for role in default_data.ROLES:
			self.assertTrue(frappe.db.exists("Role", role), role)

	def test_custom_fields_only_for_installed_apps(self):
		for app, wanted, name in _expected_fields():
			self.assertEqual(bool(frappe.db.exists("Custom Field", name)), wanted, f"{name} ({app})")

	def test_not_required_apps(self):
		from itil_crm import hooks

		self.assertNotIn("erpnext", hooks.required_apps)
		self.assertNotIn("helpdesk", hooks.required_apps)

	def test_defaults_seeded(self):
		self.assertEqual(
			frappe.get_all("ITIL Impact", pluck="name", order_by="rank"), ["High", "Medium", "Low"]
		)
		self.assertLessEqual(
			{p for p, _r, _c in default_data.PRIORITIES}, set(frappe.get_all("ITIL Priority", pluck="name"))
		)
		self.assertEqual(
			set(frappe.get_all("ITIL Channel", pluck="name")) >= {c for c, _ in default_data.CHANNELS}, True
		)
		self.assertEqual(
			frappe.get_all(
				"ITIL Support Group",
				filters={"group_name": ["like", "Level %"]},
				pluck="tier",
				order_by="tier",
			),
			[1, 2, 3],
		)
		self.assertEqual(
			frappe.db.get_value("ITIL Support Group", "Level 1 - Service Desk", "escalation_group"),
			"Level 2 - Application Support",
		)
		template = frappe.get_doc("ITIL Go-Live Checklist Template", default_data.GO_LIVE_TEMPLATE)
		self.assertEqual(len(template.items), len(default_data.GO_LIVE_CHECKLIST))

	def test_seeding_again_keeps_site_edits(self):
		frappe.db.set_value("ITIL Channel", "Phone", "default_urgency", "Low")
		frappe.delete_doc("ITIL Channel", "Chat", force=True)
		settings = frappe.get_single("ITIL Settings")
		settings.priority_matrix[0].priority = "P2 High"
		settings.save()
		seed_defaults()
		self.assertEqual(frappe.db.get_value("ITIL Channel", "Phone", "default_urgency"), "Low")
		self.assertTrue(frappe.db.exists("ITIL Channel", "Chat"))  # a missing default comes back
		settings.reload()
		self.assertEqual(settings.priority_matrix[0].priority, "P2 High")

	def test_migrate_twice_changes_nothing(self):
		after_migrate()
		first = footprint()
		after_migrate()
		self.assertEqual(footprint(), first)
		self.assertTrue(first["Role"])
		self.assertTrue(first["Custom Field"])

	def test_fields_come_and_go_with_their_app(self):
		"""after_app_install / before_app_uninstall, as frappe calls them when ERPNext or Helpdesk
		is installed after us or removed before us."""
		present = [a for a in ("erpnext", "helpdesk") if a in frappe.get_installed_apps()]
		if not present:
			after_app_install("erpnext")  # not installed: must add nothing
			self.assertFalse(frappe.db.exists("Custom Field", "Customer-itil_key_account"))
			return
		for app in present:
			names = [f"{dt}-{df['fieldname']}" for dt, fields in CUSTOM_FIELDS[app].items() for df in fields]
			before_app_uninstall(app)
			self.assertFalse(any(frappe.db.exists("Custom Field", n) for n in names), app)
			after_app_install(app)
			self.assertTrue(all(frappe.db.exists("Custom Field", n) for n in names), app)
		sync_custom_fields()
		# dropping and adding columns (DDL) committed the removals above, not the re-creations made
		# after the last DDL (the Helpdesk form script): commit them, or the site keeps them removed
		if "helpdesk" in present:
			self.assertTrue(frappe.db.exists("HD Form Script", "ITIL: Raise Incident"))
		frappe.db.commit()  # nosemgrep

	def test_sweep_indexes(self):
		# frappe names a search index after its column at table creation, "<column>_index" when altering
		first_columns = frappe.db.sql(
			"show index from `tabITIL Incident` where Seq_in_index = 1", as_dict=True
		)
		self.assertIn("next_sla_check", {row.Column_name for row in first_columns})
		self.assertTrue(frappe.db.has_index("tabITIL Incident Leg", "open_due_index"))

	def test_module_defs(self):
		modules = set(frappe.get_all("Module Def", filters={"app_name": "itil_crm"}, pluck="name"))
		self.assertEqual(
			modules,
			{
				"Incident Management", "Service Desk", "Service Level", "Problem Management",
				"Change Enablement", "Configuration Management", "Service Transition",
				"Continual Improvement",
			},
		)  # fmt: skip
