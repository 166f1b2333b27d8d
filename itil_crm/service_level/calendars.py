"""Service calendars that follow the site's time zone (System Settings) unless an admin chose one."""

import frappe
from frappe.utils import get_system_timezone


def system_timezone() -> str:
	"""The site's zone as Frappe applies it to every stored datetime: System Settings, else Frappe's own
	fallback (a site whose zone was never set), so that calendars and stored times agree."""
	return frappe.db.get_single_value("System Settings", "time_zone") or get_system_timezone()


def follow_system_time_zone(doc=None, method=None) -> list[str]:
	"""System Settings saved (setup wizard, the form) or migrate: calendars that follow the system
	zone take it. Saved through the document, so caches keyed on `modified` see the change.
	Returns the calendars moved; a second call moves none."""
	zone = (doc.time_zone if doc is not None and doc.get("time_zone") else None) or system_timezone()
	moved = frappe.get_all(
		"ITIL Service Calendar",
		filters={"follow_system_time_zone": 1, "timezone": ["!=", zone]},
		pluck="name",
	)
	for name in moved:
		calendar = frappe.get_doc("ITIL Service Calendar", name)
		calendar.timezone = zone
		calendar.add_comment("Info", frappe._("Time zone set to {0}, the system time zone.").format(zone))
		calendar.save(ignore_permissions=True)
	return moved
