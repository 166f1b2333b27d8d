"""The app on Frappe's apps screen (hooks.py add_to_apps_screen, itil_crm.desk_access): shown to the desk users
who work with it, never to a portal customer, and leading to the ITIL workspace in this Frappe's desk."""

import frappe
from frappe.apps import get_apps
from frappe.tests.utils import FrappeTestCase
from werkzeug.routing import Map, Rule

from itil_crm.desk_access import has_app_permission
from itil_crm.tests.utils import user_with_roles

WORKSPACE = "ITIL"


def ours() -> dict | None:
	"""The app's entry of the apps screen, as Frappe gives it to the session's user."""
	return next((app for app in get_apps() if app["name"] == "itil_crm"), None)


class TestAppsScreen(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_an_agent_gets_the_app(self):
		frappe.set_user(user_with_roles("ITIL Service Desk Agent"))
		entry = ours()
		self.assertIsNotNone(entry)
		self.assertEqual(entry["title"], "ITIL")
		self.assertEqual(entry["logo"], "/assets/itil_crm/images/itil-crm-logo.svg")

	def test_a_website_user_does_not(self):
		# a portal customer may read their incidents, on the portal: not a desk app for them
		frappe.set_user(user_with_roles("ITIL Customer", prefix="itil-portal", user_type="Website User"))
		self.assertEqual(frappe.db.get_value("User", frappe.session.user, "user_type"), "Website User")
		self.assertTrue(frappe.has_permission("ITIL Incident", "read"))
		self.assertIsNone(ours())

	def test_who_else_gets_it(self):
		self.assertTrue(has_app_permission("Administrator"))
		self.assertFalse(has_app_permission("Guest"))
		self.assertFalse(has_app_permission(user_with_roles("Blogger")))  # a desk user without ITIL
		self.assertTrue(has_app_permission(user_with_roles("System Manager")))  # reads incidents
		self.assertTrue(has_app_permission(user_with_roles("ITIL Configuration Manager")))

	def test_the_route_is_the_workspace_in_this_frappes_desk(self):
		route = ours()["route"]
		# the desk's own route rule takes the route (Frappe 15: its page "app"; Frappe 16 moved the desk)
		rules = Map(
			[Rule(r["from_route"], endpoint=r["to_route"]) for r in frappe.get_hooks("website_route_rules")]
		)
		endpoint, args = rules.bind("localhost").match(route)
		self.assertIn(endpoint, ("app", "desk"))
		# ... to the public ITIL workspace, whose page the desk keys by its slug (frappe.router.slug)
		workspace = frappe.get_doc("Workspace", WORKSPACE)
		self.assertTrue(workspace.public)
		self.assertEqual(args["app_path"], workspace.name.lower().replace(" ", "-"))
		if int(frappe.__version__.split(".")[0]) < 16:
			# Frappe 15 counts only the routes of its page "app" as desk apps: the landing after login
			# stays the desk
			from frappe.apps import is_desk_apps

			self.assertEqual(endpoint, "app")
			self.assertTrue(is_desk_apps([ours()]))
