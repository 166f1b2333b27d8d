# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.tests.utils import TEST_IGNORE

test_ignore = TEST_IGNORE


def calendar(**kw):
	return frappe.get_doc(
		{"doctype": "ITIL Service Calendar", "calendar_name": f"_Test {frappe.generate_hash(length=6)}", **kw}
	)


class TestITILServiceCalendar(FrappeTestCase):
	def test_seeded_calendars(self):
		hours = frappe.get_doc("ITIL Service Calendar", "Business Hours")
		self.assertEqual(len(hours.working_hours), 10)
		self.assertTrue(frappe.db.get_value("ITIL Service Calendar", "24x7", "is_24x7"))

	def test_bad_calendars_are_refused_and_not_saved(self):
		cases = [
			({"timezone": "Europe/Paris"}, "no working time"),
			({"timezone": "Mars/Olympus", "is_24x7": 1}, "Unknown time zone"),
			(
				{
					"timezone": "Europe/Paris",
					"working_hours": [{"weekday": "Monday", "start_time": "18:00", "end_time": "09:00"}],
				},
				"ends before it starts",
			),
			(
				{
					"timezone": "Europe/Paris",
					"working_hours": [
						{"weekday": "Monday", "start_time": "09:00", "end_time": "13:00"},
						{"weekday": "Monday", "start_time": "12:00", "end_time": "18:00"},
					],
				},
				"overlaps",
			),
		]
		for values, message in cases:
			doc = calendar(**values)
			with self.assertRaises(frappe.ValidationError) as ctx:
				doc.insert()
			self.assertIn(message, str(ctx.exception))
			self.assertFalse(frappe.db.exists("ITIL Service Calendar", doc.calendar_name))

	def test_import_public_holidays(self):
		doc = calendar(timezone="Europe/Paris", is_24x7=0, holiday_country="FR")
		doc.append("working_hours", {"weekday": "Monday", "start_time": "09:00", "end_time": "17:00"})
		doc.insert()
		added = doc.import_holidays(2026)
		self.assertGreaterEqual(added, 11)
		self.assertIn("2026-07-14", [str(h.holiday_date) for h in doc.holidays])
		self.assertEqual(doc.import_holidays(2026), 0)  # idempotent
