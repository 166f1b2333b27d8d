app_name = "itil_crm"
app_title = "ITIL CRM"
app_publisher = "itil_crm contributors"
app_description = (
	"ITIL service management for ERPNext and Frappe Helpdesk: incidents, problems, known errors, "
	"changes, CMDB, SLA/OLA/UC clocks and go-live warranty periods"
)
app_email = "itil-crm@example.com"
app_license = "mit"
app_icon = "octicon octicon-shield"
app_color = "#2f6f9f"

# ERPNext and Helpdesk are optional integrations, guarded at runtime: never list them here
# (ERPNext refuses to install on a site whose setup wizard is done). Frappe is always present;
# its version range is in pyproject.toml ([tool.bench.frappe-dependencies]).
required_apps = []

export_python_type_annotations = True

# Installation
# ------------
after_install = "itil_crm.setup.install.after_install"
after_migrate = "itil_crm.setup.install.after_migrate"
before_uninstall = "itil_crm.setup.install.before_uninstall"

# another app (ERPNext, Helpdesk) installed or removed after us
after_app_install = "itil_crm.setup.install.after_app_install"
before_app_uninstall = "itil_crm.setup.install.before_app_uninstall"

# Fixtures: app-owned records only. Fixtures are re-imported (overwritten) on every migrate, so the
# editable defaults (matrix, channels, calendars, groups, checklist) are seeded once in after_install,
# and roles are ensured (created if missing, never rewritten) in after_install / after_migrate.
fixtures = []

# Desk
# ----
# form and list scripts live beside their doctypes (<doctype>.js, <doctype>_list.js); on the ticketing
# apps' forms: the Raise ITIL Incident action
doctype_js = {"HD Ticket": "public/js/ticket_incident.js", "Issue": "public/js/ticket_incident.js"}

# Customer portal (/incidents)
# ----------------------------
# a customer contact sees their customer's incidents, and only those, on every path (see
# itil_crm/service_desk/customer_portal.py)
permission_query_conditions = {
	"ITIL Incident": "itil_crm.service_desk.customer_portal.query_conditions",
	# its child tables are internal: listed through ?parent=ITIL Incident, they would show every incident's
	**{
		child: "itil_crm.service_desk.customer_portal.no_rows"
		for child in ("ITIL Affected CI", "ITIL Incident Leg", "ITIL Escalation", "ITIL SLA Event")
	},
}
has_permission = {
	"ITIL Incident": "itil_crm.service_desk.customer_portal.has_permission",
	"File": "itil_crm.service_desk.customer_portal.file_permission",
}
has_website_permission = {"ITIL Incident": "itil_crm.service_desk.customer_portal.has_website_permission"}
website_route_rules = [
	{"from_route": "/incidents/new", "to_route": "incidents/new"},
	{"from_route": "/incidents/<name>", "to_route": "incidents/incident"},
]
portal_menu_items = [
	{
		"title": "Incidents",
		"route": "/incidents",
		"reference_doctype": "ITIL Incident",
		"role": "ITIL Customer",
	}
]
# frappe.client.get_count checks no permission: ours does, for the app's doctypes
override_whitelisted_methods = {
	"frappe.client.get_count": "itil_crm.api_guards.get_count",
	"frappe.utils.global_search.search": "itil_crm.api_guards.global_search",
}
before_request = [
	"itil_crm.service_desk.customer_portal.guard_request",
	# values sent for ITIL records are checked against their fields before Frappe builds the record
	"itil_crm.api_guards.check_request_values",
]
on_session_creation = ["itil_crm.service_desk.customer_portal.grant_portal_role"]

# Document events
# ---------------
_clear_ranks = "itil_crm.incident_management.priority.clear_rank_cache"
_ticket_events = {
	"after_insert": "itil_crm.service_desk.ticket_bridge.on_ticket_insert",
	"on_update": "itil_crm.service_desk.ticket_bridge.on_ticket_update",
}
_onboarding = "itil_crm.service_desk.onboarding.on_save"
doc_events = {
	# text typed into ITIL records (and mails on them) is sanitized even when it parses as JSON
	"*": {"before_validate": "itil_crm.sanitize.json_text"},
	# the first reply sent to the caller (on the incident or its ticket) is the first response;
	# replies on a ticket show on its incident's timeline
	"Communication": {
		"before_insert": "itil_crm.service_desk.ticket_bridge.link_reply_to_incident",
		"after_insert": [
			"itil_crm.service_level.response.on_communication",
			"itil_crm.service_desk.ticket_bridge.on_ticket_reply",
		],
	},
	# Helpdesk tickets and ERPNext Issues raise incidents and follow them (hooks run only where the
	# app, hence the doctype, is installed)
	"HD Ticket": _ticket_events,
	"Issue": _ticket_events,
	"ITIL Incident": {
		"after_insert": "itil_crm.incident_management.duplicates.note_possible_duplicates",
		"on_update": [
			"itil_crm.incident_management.duplicates.refresh_possible_duplicates",
			"itil_crm.service_desk.ticket_bridge.on_incident_update",
			"itil_crm.service_desk.assignment.after_save",
			"itil_crm.service_transition.warranty.note_warranty",
			"itil_crm.service_desk.monitoring_events.end_episode",
			"itil_crm.service_level.supplier_connector.on_incident_update",
			"itil_crm.service_level.legs.alert_breaches",
		],
	},
	# the agreements an incident may be given are cached (service_level.selection)
	"ITIL Service Agreement": {
		"on_update": ["itil_crm.service_level.selection.forget_candidates", _onboarding],
		"on_trash": "itil_crm.service_level.selection.forget_candidates",
		"after_rename": "itil_crm.service_level.selection.forget_candidates",
	},
	# known errors: their search terms, and the alerts when their workaround or fix moves
	"ITIL Known Error": {
		"on_update": [
			"itil_crm.problem_management.known_error_search.index_known_error",
			"itil_crm.problem_management.alerts.on_known_error_update",
		],
		"on_trash": "itil_crm.problem_management.known_error_search.drop_index",
	},
	"ITIL Problem": {"on_update": "itil_crm.problem_management.alerts.on_problem_update"},
	# support groups assign their incidents through Frappe's Assignment Rule
	"ITIL Support Group": {
		"on_update": [
			"itil_crm.service_desk.assignment.sync_rule",
			"itil_crm.service_desk.boards.add_group_column",
			_onboarding,
		],
		"on_trash": [
			"itil_crm.service_desk.assignment.remove_rule",
			"itil_crm.service_desk.boards.drop_group_column",
		],
		"after_rename": "itil_crm.service_desk.boards.rename_group_column",
	},
	"ToDo": {"after_insert": "itil_crm.service_desk.assignment.on_assignment"},
	# a comment on an incident starting with #supplier goes to its supplier (UC connector)
	"Comment": {"after_insert": "itil_crm.service_level.supplier_connector.on_comment"},
	# the setup wizard or an admin sets the site's time zone: calendars that follow it move with it
	"System Settings": {"on_update": "itil_crm.service_level.calendars.follow_system_time_zone"},
	# caches of the incident's hot path
	"ITIL Impact": {"on_update": _clear_ranks, "on_trash": _clear_ranks},
	"ITIL Urgency": {"on_update": _clear_ranks, "on_trash": _clear_ranks},
	# the onboarding's steps are checked off by doing them (service_desk.onboarding)
	"ITIL Settings": {"on_update": _onboarding},
	"ITIL Service Calendar": {"on_update": _onboarding},
	"ITIL Configuration Item": {"on_update": _onboarding},
	"Email Account": {"on_update": _onboarding},
}

# Scheduled jobs
# --------------
scheduler_events = {
	"cron": {
		# thresholds crossed since the last run: status, alerts, escalations (set-based, idempotent)
		"*/5 * * * *": [
			"itil_crm.service_level.sweep.run",
			# alerts' email and other channels left pending (a lost job, a worker that died)
			"itil_crm.service_level.alert_delivery.deliver_pending",
		],
		# tickets whose incident could not be raised (idempotent)
		"*/15 * * * *": ["itil_crm.service_desk.ticket_bridge.retry_intake"],
		# recurring incidents become candidate problems (set-based, idempotent)
		"17 * * * *": ["itil_crm.problem_management.candidates.run"],
		# supplier sends due for a retry (backoff, lost jobs, interrupted sends); exactly once
		"* * * * *": ["itil_crm.service_level.supplier_connector.retry_due"],
		# sends that exhausted their attempts get a fresh round
		"43 * * * *": ["itil_crm.service_level.supplier_connector.retry_failed"],
	},
	# go-lives into their warranty and to their final review; checklist reminders (idempotent)
	"daily": ["itil_crm.service_desk.tier_alerts.run", "itil_crm.service_transition.warranty.run"],
}

# Translations: itil_crm/translations/fr.csv
