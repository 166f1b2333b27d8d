"""A minimal valid record of each ITIL doctype, and one harmless edit of it, for the HTTP suites.

`refs` holds names that already exist on the site (an impact, an urgency, a priority, a service
calendar, a CI type, a support group, an incident, a user), read by the suite before it starts."""

import uuid
from datetime import date, timedelta


def tag() -> str:
	return uuid.uuid4().hex[:10]


def minimal(doctype: str, refs: dict) -> dict:
	t = tag()
	this_month = date.today().replace(day=1)
	last_month = (this_month - timedelta(days=1)).replace(day=1)
	docs = {
		"ITIL Change": {"title": f"_HTTP change {t}", "change_type": "Normal"},
		"ITIL Standard Change Template": {
			"template_name": f"_HTTP template {t}",
			"implementation_plan": "Restart",
			"backout_plan": "Start the standby",
		},
		"ITIL CI Relationship Type": {"relationship_name": f"_HTTP relationship {t}"},
		"ITIL CI Type": {"type_name": f"_HTTP CI type {t}"},
		"ITIL Configuration Item": {
			"ci_name": f"_HTTP CI {t}",
			"ci_type": refs["ci_type"],
			"environment": "Test",
			"criticality": "Low",
		},
		"ITIL Impact": {"impact_name": f"_HTTP impact {t}", "rank": 90},
		"ITIL Urgency": {"urgency_name": f"_HTTP urgency {t}", "rank": 90},
		"ITIL Priority": {"priority_name": f"_HTTP priority {t}", "rank": 90},
		"ITIL Incident": {
			"subject": f"_HTTP incident {t}",
			"impact": refs["impact"],
			"urgency": refs["urgency"],
		},
		"ITIL Known Error": {"title": f"_HTTP known error {t}", "symptoms": "Slow", "workaround": "Retry"},
		"ITIL Problem": {"title": f"_HTTP problem {t}"},
		"ITIL Channel": {"channel_name": f"_HTTP channel {t}"},
		"ITIL Event Source": {"source_name": f"_HTTP source {t}"},
		"ITIL Support Group": {"group_name": f"_HTTP group {t}", "tier": 1},
		"ITIL Service Calendar": {
			"calendar_name": f"_HTTP calendar {t}",
			"timezone": "Europe/Paris",
			"is_24x7": 1,
		},
		"ITIL Service Agreement": {
			"agreement_name": f"_HTTP agreement {t}",
			"agreement_type": "OLA",
			"service_calendar": refs["calendar"],
			"support_group": refs["support_group"],
			"targets": [{"priority": refs["priority"], "response_time": 3600, "resolution_time": 7200}],
		},
		"ITIL SLA Alert": {
			"incident": refs["incident"],
			"clock": "Response",
			"level": "Warning",
			"alert_on": "2026-01-05 10:00:00",
		},
		"ITIL Supplier Connector": {"endpoint_url": "https://supplier.example/api/tickets"},
		"ITIL Go-Live": {"title": f"_HTTP go-live {t}", "go_live_date": date.today().isoformat()},
		"ITIL Go-Live Checklist Template": {
			"template_name": f"_HTTP checklist {t}",
			"items": [{"requirement": refs["requirement"], "task_en": "Check", "task_fr": "Vérifier"}],
		},
		# the continual improvement practice (issue 24)
		"ITIL Service Review": {
			"scope": "Whole desk",
			"period_start": last_month.isoformat(),
			"period_end": (this_month - timedelta(days=1)).isoformat(),
		},
		"ITIL Service Review Schedule": {
			"title": f"_HTTP schedule {t}",
			"scope": "Whole desk",
			"recipients": [{"email": f"http-{t}@example.com"}],
		},
		"ITIL Maturity Question": {
			"question_code": f"_HTTP-{t}",
			"practice": "Service Desk",
			"question": f"_HTTP question {t}?",
		},
		"ITIL Maturity Assessment": {"title": f"_HTTP assessment {t}"},
		"ITIL Improvement Action": {"title": f"_HTTP action {t}"},
	}
	doc = docs[doctype]
	# each source needs its own user and each connector its own group: made only when asked for
	if doctype == "ITIL Event Source":
		doc["user"] = refs["fresh_user"]()
	elif doctype == "ITIL Supplier Connector":
		doc["support_group"] = refs["free_group"]()
	return doc


# one field each role that writes the doctype may change without moving its lifecycle
EDITS = {
	"ITIL Change": ("reason", "HTTP edit"),
	"ITIL Standard Change Template": ("description", "HTTP edit"),
	"ITIL CI Relationship Type": ("inverse_label", "HTTP edit"),
	"ITIL CI Type": ("description", "HTTP edit"),
	"ITIL Configuration Item": ("description", "HTTP edit"),
	"ITIL Impact": ("description", "HTTP edit"),
	"ITIL Urgency": ("description", "HTTP edit"),
	"ITIL Priority": ("description", "HTTP edit"),
	"ITIL Incident": ("description", "HTTP edit"),
	"ITIL Known Error": ("root_cause", "HTTP edit"),
	"ITIL Problem": ("description", "HTTP edit"),
	"ITIL Channel": ("description", "HTTP edit"),
	"ITIL Event Source": ("ci_labels", "service,host"),
	"ITIL Support Group": ("supplier_name", "HTTP edit"),
	"ITIL Service Calendar": ("holiday_country", "FR"),
	"ITIL Service Agreement": ("selection_order", 7),
	"ITIL SLA Alert": ("threshold", 75),
	"ITIL Supplier Connector": ("timeout_seconds", 11),
	"ITIL Go-Live": ("exit_criteria", "HTTP edit"),
	"ITIL Go-Live Checklist Template": ("description", "HTTP edit"),
	"ITIL Service Review": ("notes", "HTTP edit"),
	"ITIL Service Review Schedule": ("title", "HTTP edit"),
	"ITIL Maturity Question": ("guidance_1", "HTTP edit"),
	"ITIL Maturity Assessment": ("title", "HTTP edit"),
	"ITIL Improvement Action": ("description", "HTTP edit"),
	"ITIL Settings": ("tier_resolution_target", 71),
}
