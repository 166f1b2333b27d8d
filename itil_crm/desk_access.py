"""Who gets the app on Frappe's apps screen (/apps) and lands on the ITIL workspace after login
(hooks.py ``add_to_apps_screen``): the desk users who work with it. A portal customer, a website user,
never does: their incidents are on the portal (/incidents)."""

import frappe

from itil_crm.setup.default_data import ROLES


def has_app_permission(user: str | None = None) -> bool:
	"""Administrator; else a desk (System) user who may read ITIL Incident (a System Manager, or a role a
	site gave that right) or holds one of the app's desk roles, whatever a site changed in its rights."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	if user == "Guest" or frappe.get_cached_value("User", user, "user_type") != "System User":
		return False
	return bool(
		frappe.has_permission("ITIL Incident", "read", user=user) or set(ROLES) & set(frappe.get_roles(user))
	)
