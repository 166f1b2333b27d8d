"""Load service calendars and agreements as engine objects, cached per request and by modification."""

import frappe

from itil_crm.engines.business_time import Calendar
from itil_crm.engines.sla_clock import Agreement, Target
from itil_crm.engines.thresholds import parse_thresholds


def _cache() -> dict:
	if not hasattr(frappe.local, "itil_agreements"):
		frappe.local.itil_agreements = {}
	return frappe.local.itil_agreements


def load_calendar(name: str) -> Calendar:
	doc = frappe.get_cached_doc("ITIL Service Calendar", name)
	key = ("calendar", name, str(doc.modified))
	cache = _cache()
	if key not in cache:
		cache[key] = Calendar.build(
			doc.timezone,
			[(row.weekday, row.start_time, row.end_time) for row in doc.working_hours],
			[row.holiday_date for row in doc.holidays],
			bool(doc.is_24x7),
		)
	return cache[key]


def load_agreement(name: str | None) -> Agreement | None:
	if not name:
		return None
	doc = frappe.get_cached_doc("ITIL Service Agreement", name)
	calendar = load_calendar(doc.service_calendar)
	# keyed by the calendar too: a calendar changed in this request (a holiday added) is seen at once
	key = ("agreement", name, str(doc.modified), id(calendar))
	cache = _cache()
	if key not in cache:
		cache[key] = Agreement(
			name=doc.name,
			calendar=calendar,
			targets={
				row.priority: Target(float(row.response_time), float(row.resolution_time))
				for row in doc.targets
			},
			pause_statuses=frozenset({"On Hold"}) if doc.pause_on_hold else frozenset(),
			thresholds=tuple(parse_thresholds(doc.warning_thresholds)),
		)
	return cache[key]


def auto_escalate_at(name: str | None) -> float:
	if not name:
		return 0.0
	return float(frappe.get_cached_doc("ITIL Service Agreement", name).auto_escalate_at or 0)
