# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import getdate

from itil_crm import onboarding
from itil_crm.engines.service_calendar import CalendarError, check_timezone, validate_intervals
from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.service_level import retiming
from itil_crm.service_level.calendars import system_timezone


class ITILServiceCalendar(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.service_level.doctype.itil_service_calendar_holiday.itil_service_calendar_holiday import (
			ITILServiceCalendarHoliday,
		)
		from itil_crm.service_level.doctype.itil_service_calendar_interval.itil_service_calendar_interval import (
			ITILServiceCalendarInterval,
		)

		calendar_name: DF.Data
		follow_system_time_zone: DF.Check
		holiday_country: DF.Data | None
		holidays: DF.Table[ITILServiceCalendarHoliday]
		is_24x7: DF.Check
		timezone: DF.Autocomplete
		working_hours: DF.Table[ITILServiceCalendarInterval]
	# end: auto-generated types

	def before_validate(self):
		super().before_validate()
		if self.follow_system_time_zone:
			self.timezone = system_timezone()

	def validate(self):
		try:
			check_timezone(self.timezone)
			validate_intervals(
				[(row.weekday, row.start_time, row.end_time) for row in self.working_hours],
				bool(self.is_24x7),
			)
		except CalendarError as e:
			frappe.throw(_(str(e)), frappe.ValidationError, title=_("Invalid service calendar"))
		dates = [str(row.holiday_date) for row in self.holidays]
		duplicates = sorted({d for d in dates if dates.count(d) > 1})
		if duplicates:
			frappe.throw(
				_("Holidays listed twice: {0}").format(", ".join(duplicates)), frappe.ValidationError
			)

	@frappe.whitelist()
	@checked
	def import_holidays(self, year: int | None = None):
		"""Add the public holidays of holiday_country for a year (default: this year and next)."""
		import holidays as public_holidays

		if not self.holiday_country:
			frappe.throw(_("Set the country whose public holidays to import."), frappe.ValidationError)
		years = [int(year)] if year else [getdate().year, getdate().year + 1]
		try:
			found = public_holidays.country_holidays(self.holiday_country.upper(), years=years)
		except NotImplementedError:
			frappe.throw(
				_("No public holiday calendar is known for country {0}.").format(self.holiday_country)
			)
		existing = {str(row.holiday_date) for row in self.holidays}
		added = 0
		for date, label in sorted(found.items()):
			if str(date) not in existing:
				self.append("holidays", {"holiday_date": date, "description": label})
				added += 1
		self.save()
		return added

	def on_update(self):
		onboarding.check_off(self)
		retiming.on_calendar_change(self)  # open incidents' deadlines follow the calendar now
