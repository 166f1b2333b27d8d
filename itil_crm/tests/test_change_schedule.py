"""Change schedule (issue 9, first part): conflicts through the CMDB and freeze windows, flagged or
blocked; the ICS feed, per-user token, parsed back with icalendar."""

from urllib.parse import parse_qs, urlparse

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, get_datetime, now_datetime, random_string

from itil_crm.change_enablement import schedule
from itil_crm.tests.test_impact_analysis import relate
from itil_crm.tests.utils import make_ci, move, user_with_roles


def make_change(cis, start, hours=2, **kw):
	return frappe.get_doc(
		{
			"doctype": "ITIL Change",
			"title": f"_Test change {random_string(5)}",
			"change_type": "Normal",
			"risk": "Low",
			"planned_start": start,
			"planned_end": add_to_date(start, hours=hours),
			"affected_cis": [{"configuration_item": ci} for ci in cis],
			**kw,
		}
	).insert()


class ChangeCase(FrappeTestCase):
	def setUp(self):
		self.settings = frappe.get_single("ITIL Settings")
		self.addCleanup(
			self.restore, self.settings.change_conflict_policy, self.settings.change_conflict_depth
		)
		self.start = get_datetime(
			add_days(now_datetime(), 40 + int(random_string(2).encode().hex(), 16) % 300)
		)

	def restore(self, policy, depth):
		settings = frappe.get_single("ITIL Settings")
		settings.change_conflict_policy, settings.change_conflict_depth = policy, depth
		settings.change_freeze_windows = []
		settings.save()

	def configure(self, policy="Flag", depth=2, freezes=()):
		settings = frappe.get_single("ITIL Settings")
		settings.change_conflict_policy, settings.change_conflict_depth = policy, depth
		settings.change_freeze_windows = []
		for start, end, reason in freezes:
			settings.append(
				"change_freeze_windows", {"freeze_start": start, "freeze_end": end, "reason": reason}
			)
		settings.save()


class TestConflicts(ChangeCase):
	def test_a_change_on_a_dependent_ci_in_the_window_is_flagged_then_blocked(self):
		db = make_ci(ci_type="Database")
		app = make_ci()
		relate(app, "Runs On", db)
		self.configure("Flag")
		first = make_change([db.name], self.start)
		move(first, "Assessment")
		second = make_change([app.name], add_to_date(self.start, hours=1))
		self.assertIn(first.name, second.schedule_conflicts)  # found through the CMDB dependency
		later = make_change([app.name], add_to_date(self.start, hours=2))  # touches, does not overlap
		self.assertFalse(later.schedule_conflicts)
		self.configure("Flag", depth=0)  # the same CIs only: the dependency no longer counts
		second.reload()
		second.save()
		self.assertFalse(second.schedule_conflicts)
		self.configure("Block")
		second.reload()
		move(second, "Assessment")
		self.assertIn(first.name, second.schedule_conflicts)
		second.status = "Authorized"
		self.assertRaises(frappe.ValidationError, second.save)
		self.assertEqual(frappe.db.get_value("ITIL Change", second.name, "status"), "Assessment")

	def test_a_freeze_window_is_a_conflict_and_a_bad_one_is_refused(self):
		ci = make_ci()
		self.configure(
			"Block",
			freezes=[
				(add_to_date(self.start, hours=-1), add_to_date(self.start, hours=12), "Year-end close")
			],
		)
		change = make_change([ci.name], self.start)
		self.assertIn("Year-end close", change.schedule_conflicts)
		move(change, "Assessment")
		change.status = "Authorized"
		self.assertRaises(frappe.ValidationError, change.save)
		self.assertRaises(
			frappe.ValidationError,
			self.configure,
			"Flag",
			2,
			[(self.start, add_to_date(self.start, hours=-1), "Inverted")],
		)

	def test_a_window_that_ends_before_it_starts_is_refused(self):
		ci = make_ci()
		self.assertRaises(frappe.ValidationError, make_change, [ci.name], self.start, hours=-1)


class TestICSFeed(ChangeCase):
	def token_of(self, url):
		return parse_qs(urlparse(url).query)["token"][0]

	def test_the_feed_parses_back_with_icalendar_and_shows_what_the_user_may_read(self):
		from icalendar import Calendar

		self.configure("Flag")
		change = make_change([make_ci().name], self.start)
		move(change, "Assessment")
		manager = user_with_roles("ITIL Change Manager")
		with self.set_user(manager):
			url = schedule.calendar_feed_url()
		self.assertEqual(frappe.db.count("ITIL Calendar Feed", {"user": manager}), 1)
		self.assertNotIn(self.token_of(url), frappe.db.get_value("ITIL Calendar Feed", manager, "token_hash"))
		user = schedule._user_of(self.token_of(url))
		self.assertEqual(user, manager)
		with self.set_user("Guest"):  # a calendar app fetches the feed without a session
			cal = Calendar.from_ical(schedule.calendar(user))
			self.assertEqual(frappe.session.user, "Guest")
		events = {str(e.get("uid")): e for e in cal.walk("VEVENT")}
		event = events[f"{change.name}@{frappe.local.site}"]
		self.assertIn(change.title, str(event.get("summary")))
		self.assertEqual(
			event.decoded("dtend") - event.decoded("dtstart"),
			get_datetime(change.planned_end) - get_datetime(change.planned_start),
		)
		# a new link revokes the old one; a wrong token or a user who may not read changes: 403
		with self.set_user(manager):
			newer = schedule.calendar_feed_url()
		self.assertRaises(frappe.PermissionError, schedule._user_of, self.token_of(url))
		self.assertEqual(schedule._user_of(self.token_of(newer)), manager)
		self.assertRaises(frappe.PermissionError, schedule._user_of, "x" * 43)
		self.assertRaises(frappe.PermissionError, schedule._user_of, None)
		outsider = user_with_roles("Blogger")
		with self.set_user(outsider):
			self.assertRaises(frappe.PermissionError, schedule.calendar_feed_url)
		self.assertRaises(frappe.PermissionError, schedule.calendar, outsider)

	def test_every_time_in_the_feed_is_in_utc_or_in_a_zone_the_feed_describes(self):
		"""Issue 23: RFC 5545 wants a VTIMEZONE for every TZID an event uses (Outlook shows wrong times
		without it) and DTSTAMP in UTC; the event is at the planned instant, whatever the site's zone."""
		from icalendar import Calendar

		from itil_crm.service_level import site_time

		change = make_change([make_ci().name], self.start)
		move(change, "Assessment")
		manager = user_with_roles("ITIL Change Manager")
		cal = Calendar.from_ical(schedule.calendar(manager))
		described = {str(zone["TZID"]) for zone in cal.walk("VTIMEZONE")}
		event = {str(e.get("uid")): e for e in cal.walk("VEVENT")}[f"{change.name}@{frappe.local.site}"]
		for prop in ("dtstart", "dtend", "dtstamp"):
			value = event[prop]
			tzid = value.params.get("TZID")
			if tzid and prop != "dtstamp":
				self.assertIn(tzid, described, f"{prop} uses {tzid}, which the feed does not describe")
			else:
				self.assertIsNone(tzid, prop)
				self.assertTrue(value.to_ical().endswith(b"Z"), (prop, value.to_ical()))
		for prop, stored in (("dtstart", change.planned_start), ("dtend", change.planned_end)):
			planned = site_time.aware(get_datetime(stored)).replace(microsecond=0)  # ICS counts seconds
			self.assertEqual(event.decoded(prop), planned, prop)
