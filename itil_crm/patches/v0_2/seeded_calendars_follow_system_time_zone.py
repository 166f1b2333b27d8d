"""The seeded calendars (`24x7`, `Business Hours`) follow the site's time zone from 0.2 on.

Why: until 0.2 they were seeded with the zone System Settings had at install time and never moved.
On a site created with `bench new-site S --install-app erpnext ... --install-app itil_crm`, the zone
is set by the setup wizard *after* our install, so the calendars stayed in UTC and deadlines were
hours off (a P1 logged on Sunday evening in New York was due at 05:00 local on Monday).

A seeded calendar is made to follow the system zone when nobody chose a zone for it: it was never
saved after it was seeded (modified == creation), or its zone already is the system zone (following
changes nothing today). A calendar an admin edited to another zone keeps that zone. Calendars an
admin created are left alone. Then the followers take the system zone.

Idempotent: a follower is never touched again by this patch, and moving followers is a no-op once
they have the zone.
"""

import frappe

from itil_crm.service_level.calendars import follow_system_time_zone, system_timezone
from itil_crm.setup import default_data


def execute():
	zone = system_timezone()
	for name in (default_data.CALENDAR_24X7, default_data.CALENDAR_BUSINESS_HOURS):
		row = frappe.db.get_value(
			"ITIL Service Calendar",
			name,
			["timezone", "creation", "modified", "follow_system_time_zone"],
			as_dict=True,
		)
		if not row or row.follow_system_time_zone:
			continue
		if row.modified == row.creation or row.timezone == zone:
			frappe.db.set_value(
				"ITIL Service Calendar", name, "follow_system_time_zone", 1, update_modified=False
			)
	moved = follow_system_time_zone()
	print(f"ITIL Service Calendar: following the system time zone {zone}; moved: {', '.join(moved) or '-'}")
