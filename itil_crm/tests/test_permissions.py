"""A user holding one ITIL role can do what docs/permissions.md says, and nothing more."""

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.tests.permission_matrix import parse_permissions_doc
from itil_crm.tests.utils import make_incident, user_with_roles

ACTIONS = ("read", "write", "create", "delete")


class TestRolePermissions(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.roles, cls.matrix = parse_permissions_doc()
		# Administrator-free: a System Manager user is checked over HTTP (http_tests); Guest is nobody here
		cls.users = {
			role: user_with_roles(role) for role in cls.roles if role not in ("System Manager", "Guest")
		}

	def test_every_role_gets_exactly_the_documented_rights(self):
		mismatches = []
		for doctype, per_role in self.matrix.items():
			is_single = frappe.get_meta(doctype).issingle
			for role, user in self.users.items():
				for action in ACTIONS:
					if is_single and action in ("create", "delete"):
						continue
					expected = action in per_role[role]
					actual = bool(frappe.has_permission(doctype, action, user=user))
					if actual != expected:
						mismatches.append(f"{role} {action} {doctype}: expected {expected}, got {actual}")
		self.assertEqual(mismatches, [])

	def test_a_user_without_itil_roles_sees_nothing(self):
		outsider = user_with_roles("Blogger")
		for doctype in self.matrix:
			self.assertFalse(frappe.has_permission(doctype, "read", user=outsider), doctype)

	def test_agent_creates_incidents_but_not_changes_or_cis(self):
		agent = self.users["ITIL Service Desk Agent"]
		with self.set_user(agent):
			incident = make_incident()
			self.assertEqual(incident.owner, agent)
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc({"doctype": "ITIL Change", "title": "Not allowed"}).insert()
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc(
					{"doctype": "ITIL Configuration Item", "ci_name": "x", "ci_type": "Server"}
				).insert()
			with self.assertRaises(frappe.PermissionError):
				frappe.delete_doc("ITIL Incident", incident.name)

	def test_configuration_manager_owns_the_cmdb_but_not_incidents(self):
		manager = self.users["ITIL Configuration Manager"]
		with self.set_user(manager):
			ci = frappe.get_doc(
				{"doctype": "ITIL Configuration Item", "ci_name": "_Test perm CI", "ci_type": "Server"}
			).insert()
			frappe.delete_doc("ITIL Configuration Item", ci.name)
			with self.assertRaises(frappe.PermissionError):
				make_incident()

	def test_service_level_manager_edits_settings_agent_cannot(self):
		with self.set_user(self.users["ITIL Service Desk Agent"]):
			settings = frappe.get_doc("ITIL Settings")
			settings.tier_resolution_target = 70
			with self.assertRaises(frappe.PermissionError):
				settings.save()
		with self.set_user(self.users["ITIL Service Level Manager"]):
			settings = frappe.get_doc("ITIL Settings")
			settings.tier_resolution_target = 70
			settings.save()
