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

# The apps screen (/apps) and where a user lands after login: the ITIL workspace, in the desk of this
# Frappe (Frappe 15 counts only routes under its "app" prefix as the desk; Frappe 16 moved it to "desk")
import frappe

_desk = "desk" if int(frappe.__version__.split(".")[0]) >= 16 else "app"
add_to_apps_screen = [
	{
		"name": "itil_crm",
		"logo": "/assets/itil_crm/images/itil-crm-logo.svg",
		"title": "ITIL",
		"route": f"/{_desk}/itil",
		"has_permission": "itil_crm.desk_access.has_app_permission",
	}
]

# ERPNext and Helpdesk are optional integrations, guarded at runtime: never list them here
# (ERPNext refuses to install on a site whose setup wizard is done). Frappe is always present;
# its version range is in pyproject.toml ([tool.bench.frappe-dependencies]).
required_apps = []

export_python_type_annotations = True

# Installation
# ------------
after_install = [
	"itil_crm.setup.install.after_install",
	"itil_crm.customer_portal.resolution.seed_resolution_mail",  # the resolution mail to the caller
]
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
# deadlines and ages in the viewer's zone (service_level/desk_time.js), with the forms and lists that show them
_desk_time = "service_level/desk_time.js"
doctype_js = {
	"HD Ticket": "ticket_bridge/ticket_form.js",
	"Issue": "ticket_bridge/ticket_form.js",
	"ITIL Incident": _desk_time,
	"ITIL Change": _desk_time,
}
# a Frappe fix loaded with the lists of the doctypes that have Kanban boards (frappe_fixes/kanban_titles.js)
doctype_list_js = {
	"ITIL Incident": ["frappe_fixes/kanban_titles.js", _desk_time],
	"ITIL Change": ["frappe_fixes/kanban_titles.js", _desk_time],
}
# frappe.boot.itil: what the desk's scripts share with the server (the incident's open statuses)
extend_bootinfo = "itil_crm.service_desk.boot.extend"

# Customer portal (/incidents)
# ----------------------------
# a customer contact sees their customer's incidents, and only those, on every path (see
# itil_crm/customer_portal/access.py)
permission_query_conditions = {
	"ITIL Incident": "itil_crm.customer_portal.access.query_conditions",
	# its child table is internal: listed through ?parent=ITIL Incident, it would show every incident's
	"ITIL Affected CI": "itil_crm.customer_portal.access.no_rows",
}
has_permission = {
	"ITIL Incident": "itil_crm.customer_portal.access.has_permission",
	"File": "itil_crm.customer_portal.access.file_permission",
}
has_website_permission = {"ITIL Incident": "itil_crm.customer_portal.access.has_website_permission"}
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
	"frappe.client.get_count": "itil_crm.frappe_fixes.count_and_search.get_count",
	"frappe.utils.global_search.search": "itil_crm.frappe_fixes.count_and_search.global_search",
	# frappe.client.validate_link tells whether any name exists: ours only to who may read the record
	"frappe.client.validate_link": "itil_crm.frappe_fixes.link_validation.validate_link",
	# the onboarding steps' descriptions in the user's language (Frappe 15 sends them as written)
	"frappe.desk.desktop.get_desktop_page": "itil_crm.onboarding.get_desktop_page",
}
# the memory of the candidate-problem job does not keep an incident or a problem from being deleted; nor
# do the frozen rows of a submitted service review (they keep the name as it was)
ignore_links_on_delete = [
	"ITIL Candidate Incident",
	"ITIL Service Review Breach",
	"ITIL Service Review Major Incident",
	"ITIL Service Review Availability",
]
# once Frappe knows who sends the request (its own authentication): the portal customer's guard, and a
# delete of an ITIL record checked, then made to wait for a save under way instead of failing
auth_hooks = [
	"itil_crm.frappe_fixes.portal_requests.guard_request",
	"itil_crm.frappe_fixes.deletes.wait_for_saves",
	# no traceback in the app's error answers but to Administrator, whatever System Settings say
	"itil_crm.frappe_fixes.error_answers.no_traceback_for_the_apps_endpoints",
]
before_request = [
	# values sent for ITIL records are checked against their fields before Frappe builds the record
	"itil_crm.frappe_fixes.request_values.check_request_values",
]
# a JSON body that does not parse is a 400 (Frappe answers 500); no traceback in the app's error answers
after_request = ["itil_crm.frappe_fixes.error_answers.clean_error_answer"]
on_session_creation = ["itil_crm.customer_portal.access.grant_portal_role"]

# Document events
# ---------------
# The app's own doctypes keep their whole lifecycle in their controllers; these are other apps' doctypes.
_ticket_events = {
	"after_insert": "itil_crm.ticket_bridge.intake.on_ticket_insert",
	"on_update": "itil_crm.ticket_bridge.sync.on_ticket_update",
}
doc_events = {
	"Communication": {
		# a mail or reply on one of the app's records is sanitized as the records are
		"before_validate": "itil_crm.frappe_fixes.json_text.on_communication",
		# replies on a ticket show on its incident's timeline
		"before_insert": "itil_crm.ticket_bridge.sync.link_reply_to_incident",
		"after_insert": [
			# the first reply sent to the caller (on the incident or its ticket) is the first response
			"itil_crm.service_level.response.on_communication",
			"itil_crm.ticket_bridge.sync.on_ticket_response",
			# a mail answering the resolution (CONFIRM, NOT SOLVED) closes or reopens the incident
			"itil_crm.customer_portal.resolution.on_customer_mail",
			# a customer's reply on a resolved incident or its ticket reopens it
			"itil_crm.ticket_bridge.sync.on_ticket_reply",
			# the desk's reply to the customer alerts their portal users (customer_portal/notices.py)
			"itil_crm.customer_portal.notices.on_desk_reply",
		],
	},
	# Helpdesk tickets and ERPNext Issues raise incidents and follow them (hooks run only where the
	# app, hence the doctype, is installed)
	"HD Ticket": _ticket_events,
	"Issue": _ticket_events,
	# an incident assigned by hand while New becomes Assigned
	"ToDo": {"after_insert": "itil_crm.service_desk.assignment.on_assignment"},
	# a comment on an incident starting with #supplier goes to its supplier (UC connector)
	"Comment": {"after_insert": "itil_crm.service_level.supplier_connector.on_comment"},
	# the setup wizard or an admin sets the site's time zone: calendars that follow it move with it
	"System Settings": {"on_update": "itil_crm.service_level.calendars.follow_system_time_zone"},
	# a mailbox that files its mails as incidents checks off the onboarding's step
	"Email Account": {"on_update": "itil_crm.onboarding.check_off"},
	# an in-app alert about an ITIL record is mailed too, where the user's notification settings say so
	"Notification Log": {"after_insert": "itil_crm.notifications.mail_alert"},
}

# What the SLA sweep announces (itil_crm.service_level.sweep.announce), and who listens
itil_sla_status_changed = ["itil_crm.ticket_bridge.sync.follow_sla_status"]
itil_auto_escalation_due = ["itil_crm.service_desk.escalation.auto_escalate"]
# What an incident's save announces: resolved (the caller's resolution mail, sent after the commit)
itil_incident_resolved = ["itil_crm.customer_portal.resolution.on_resolved"]

# Scheduled jobs
# --------------
scheduler_events = {
	"cron": {
		# thresholds crossed since the last run: status, alerts, escalations (set-based, idempotent)
		"*/5 * * * *": [
			"itil_crm.service_level.sweep.run",
			# alerts' email and other channels left pending (a lost job, a worker that died)
			"itil_crm.service_level.sla_alerts.deliver_pending",
		],
		# tickets whose incident could not be raised (idempotent)
		"*/15 * * * *": ["itil_crm.ticket_bridge.intake.retry_intake"],
		# recurring incidents become candidate problems (set-based, idempotent)
		"17 * * * *": ["itil_crm.problem_management.candidates.run"],
		# supplier sends due for a retry (backoff, lost jobs, interrupted sends); exactly once
		"* * * * *": ["itil_crm.service_level.supplier_connector.retry_due"],
		# sends that exhausted their attempts get a fresh round
		"43 * * * *": ["itil_crm.service_level.supplier_connector.retry_failed"],
	},
	# the observatory's monthly counters: months touched since the last run, one committed at a time
	# (set-based, idempotent); on the long queue: the first run after an upgrade counts every month
	"hourly_long": ["itil_crm.continual_improvement.rollups.refresh"],
	# go-lives into their warranty and to their final review; checklist reminders (idempotent)
	# next year's incident numbers ready before New Year (idempotent)
	"daily": [
		"itil_crm.service_desk.tier_alerts.run",
		"itil_crm.service_transition.warranty.run",
		"itil_crm.incident_management.numbers.ensure_sequences",
		# first working day of the month: last month's service reviews, submitted and mailed (idempotent)
		"itil_crm.continual_improvement.service_review.send_scheduled_reviews_today",
		# the improvement actions' KPI over the last full month, against their baseline
		"itil_crm.continual_improvement.maturity.refresh_actions",
	],
}

# Translations: itil_crm/translations/fr.csv
