"""Seed the editable defaults once: existing records (possibly edited by the site) are never touched."""

import itertools

import frappe

from itil_crm.continual_improvement.questionnaire import seed_questionnaire
from itil_crm.service_level.calendars import system_timezone
from itil_crm.setup import default_data


def _insert_if_missing(doctype: str, name: str, values: dict) -> bool:
	if frappe.db.exists(doctype, name):
		return False
	frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)
	return True


def seed_defaults():
	for name, rank in default_data.IMPACTS:
		_insert_if_missing("ITIL Impact", name, {"impact_name": name, "rank": rank})
	for name, rank in default_data.URGENCIES:
		_insert_if_missing("ITIL Urgency", name, {"urgency_name": name, "rank": rank})
	for name, rank, color in default_data.PRIORITIES:
		_insert_if_missing("ITIL Priority", name, {"priority_name": name, "rank": rank, "color": color})
	for name, urgency in default_data.CHANNELS:
		_insert_if_missing("ITIL Channel", name, {"channel_name": name, "default_urgency": urgency})
	for name in default_data.CI_TYPES:
		_insert_if_missing("ITIL CI Type", name, {"type_name": name})
	for name, inverse, propagates in default_data.CI_RELATIONSHIP_TYPES:
		_insert_if_missing(
			"ITIL CI Relationship Type",
			name,
			{"relationship_name": name, "inverse_label": inverse, "propagates_impact": propagates},
		)
	seed_calendars()
	seed_support_groups()
	seed_default_sla()
	seed_settings()
	seed_go_live_template()
	seed_notifications()
	seed_questionnaire()  # the ITIL maturity questionnaire (continual_improvement/questionnaire.py)


def seed_calendars():
	"""Both follow the system time zone, also when the setup wizard sets it after our install."""
	tz = system_timezone()
	_insert_if_missing(
		"ITIL Service Calendar",
		default_data.CALENDAR_24X7,
		{
			"calendar_name": default_data.CALENDAR_24X7,
			"timezone": tz,
			"follow_system_time_zone": 1,
			"is_24x7": 1,
		},
	)
	_insert_if_missing(
		"ITIL Service Calendar",
		default_data.CALENDAR_BUSINESS_HOURS,
		{
			"calendar_name": default_data.CALENDAR_BUSINESS_HOURS,
			"timezone": tz,
			"follow_system_time_zone": 1,
			"working_hours": [
				{"weekday": day, "start_time": start, "end_time": end}
				for day, start, end in default_data.BUSINESS_HOURS
			],
		},
	)


def seed_support_groups():
	for name, tier, _description in default_data.SUPPORT_GROUPS:
		_insert_if_missing("ITIL Support Group", name, {"group_name": name, "tier": tier})
	# functional escalation path 1 -> 2 -> 3, only where the site has not set one
	names = [g[0] for g in default_data.SUPPORT_GROUPS]
	for lower, upper in itertools.pairwise(names):
		if not frappe.db.get_value("ITIL Support Group", lower, "escalation_group"):
			frappe.db.set_value("ITIL Support Group", lower, "escalation_group", upper, update_modified=False)


def seed_default_sla():
	_insert_if_missing(
		"ITIL Service Agreement",
		default_data.DEFAULT_SLA,
		{
			"agreement_name": default_data.DEFAULT_SLA,
			"agreement_type": "SLA",
			"is_default": 1,
			"service_calendar": default_data.CALENDAR_BUSINESS_HOURS,
			"selection_order": 100,
			"targets": [
				{"priority": p, "response_time": response, "resolution_time": resolution}
				for p, (response, resolution) in default_data.DEFAULT_SLA_TARGETS.items()
			],
		},
	)


def seed_settings():
	"""The ITIL matrix when the site has none, and the settings still empty (no value is overwritten)."""
	settings = frappe.get_single("ITIL Settings")
	changed = False
	if not settings.priority_matrix:
		for (impact, urgency), priority in default_data.PRIORITY_MATRIX.items():
			settings.append("priority_matrix", {"impact": impact, "urgency": urgency, "priority": priority})
		changed = True
	if not settings.get("change_risk_questions"):
		for question, weight in default_data.CHANGE_RISK_QUESTIONS:
			settings.append("change_risk_questions", {"question": question, "weight": weight})
		changed = True
	for fieldname, value in default_data.SETTINGS.items():
		if not settings.get(fieldname):
			settings.set(fieldname, value)
			changed = True
	if changed:
		settings.flags.ignore_permissions = True
		settings.save()


def seed_go_live_template():
	_insert_if_missing(
		"ITIL Go-Live Checklist Template",
		default_data.GO_LIVE_TEMPLATE,
		{
			"template_name": default_data.GO_LIVE_TEMPLATE,
			"description": "Go-live of a CRM application with an ITIL warranty period (R7-R11)",
			"items": [
				{"requirement": req, "task_en": en, "task_fr": fr, "is_exit_criterion": exit_, **plan}
				for (req, en, fr, exit_), plan in zip(
					default_data.GO_LIVE_CHECKLIST, go_live_plan(), strict=True
				)
			],
		},
	)


def go_live_plan() -> list[dict]:
	return [
		{"category": c, "owner_role": o, "due_from": f, "due_offset_days": d, "evidence_required": e}
		for c, o, f, d, e in default_data.GO_LIVE_PLAN
	]


def seed_notifications():
	"""Frappe Notifications for SLA alerts, to the group lead and the service level managers: one in-app
	(works without any email setup) and one by email. Yours to edit (template, recipients) once seeded."""
	for name, channel in (
		(default_data.SLA_ALERT_NOTIFICATION, "System Notification"),
		(default_data.SLA_ALERT_EMAIL, "Email"),
	):
		if frappe.db.exists("Notification", name):
			continue
		frappe.get_doc(
			{
				"doctype": "Notification",
				"enabled": 1,
				"channel": channel,
				"document_type": "ITIL SLA Alert",
				"event": "New",
				"module": "Service Level",
				"subject": default_data.SLA_ALERT_SUBJECT,
				"message": default_data.SLA_ALERT_MESSAGE,
				"message_type": "Markdown",
				"recipients": [
					{"receiver_by_document_field": "group_lead"},
					{"receiver_by_role": "ITIL Service Level Manager"},
				],
			}
		).insert(ignore_permissions=True, set_name=name)
