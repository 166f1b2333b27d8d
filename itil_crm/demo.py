"""A small, realistic ITIL data set for trying the app.

	bench --site SITE execute itil_crm.demo.create_demo_data

Creates a CRM business service with its application, servers and databases in production and test,
a key-account customer, support groups with an OLA and a UC, incidents from several channels, a
problem with its incidents, a known error, a change that fixes them and a go-live in its warranty
period; then a year of history (``demo_history``) so that the observatory's trends and the monthly
service reviews have something to show, and the reviews, their schedules and two maturity
self-assessments with their improvement actions (``demo_reviews``). Running it again does nothing
(it stops when the demo service exists).
"""

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, today

from itil_crm import demo_history, demo_reviews
from itil_crm.frappe_fixes.muted_mail import muted_mail
from itil_crm.integrations.apps import is_installed
from itil_crm.setup import default_data

MARKER = "CRM Online"
DEMO_USERS = [
	("lea.dupont@itil-demo.example", "Léa", "Dupont", "ITIL Service Desk Agent"),
	("marc.bernard@itil-demo.example", "Marc", "Bernard", "ITIL Support Engineer"),
	("sofia.rossi@itil-demo.example", "Sofia", "Rossi", "ITIL Problem Manager"),
	("omar.haddad@itil-demo.example", "Omar", "Haddad", "ITIL Change Manager"),
]


def create_demo_data() -> dict:
	if frappe.db.exists("ITIL Configuration Item", {"ci_name": MARKER}):
		print("itil_crm demo data already present: nothing to do")
		return {"created": False}
	frappe.flags.itil_demo = True  # the demo's records do not check off the admin's onboarding
	try:
		with muted_mail():  # the demo's users and alerts get no mail
			out = _create()
			out["history"] = demo_history.create_history().get("incidents", [])
			customer_type, customer = out.pop("customer")
			out.update(demo_reviews.create_reviews(customer_type, customer, out["configuration_items"][-1]))
	finally:
		frappe.flags.itil_demo = False
	if not frappe.flags.in_test:
		frappe.db.commit()
	print("itil_crm demo data created: " + ", ".join(f"{k}: {len(v)}" for k, v in out.items()))
	return {"created": True, **{k: v for k, v in out.items()}}


def _insert(values: dict):
	return frappe.get_doc(values).insert(ignore_permissions=True)


def _move(doc, *statuses, **extra):
	"""Walk a record through its lifecycle, one allowed move at a time."""
	for status in statuses:
		doc.status = status
		for key, value in extra.pop(status, {}).items():
			doc.set(key, value)
		doc.save(ignore_permissions=True)
	return doc


def _users():
	for email, first, last, role in DEMO_USERS:
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": first,
					"last_name": last,
					"send_welcome_email": 0,
					"user_type": "System User",
				}
			).insert(ignore_permissions=True)
			user.add_roles(role)
	return [u[0] for u in DEMO_USERS]


def _cmdb():
	def ci(name, ci_type, env, criticality, **kw):
		return _insert(
			{
				"doctype": "ITIL Configuration Item",
				"ci_name": name,
				"ci_type": ci_type,
				"environment": env,
				"criticality": criticality,
				"support_group": "Level 2 - Application Support",
				**kw,
			}
		)

	cis = {}
	for env, suffix in (("Production", ""), ("Test", " (Test)")):
		crit = "Critical" if env == "Production" else "Low"
		srv = ci(f"crm-app-{'prd' if not suffix else 'tst'}-01", "Server", env, crit, location="Paris DC1")
		db = ci(f"crm-db-{'prd' if not suffix else 'tst'}-01", "Database", env, crit, version="MariaDB 10.11")
		app = ci(
			f"CRM Application{suffix}",
			"Application",
			env,
			crit,
			version="3.2",
			relationships=[
				{"relationship_type": "Runs On", "target_ci": srv.name},
				{"relationship_type": "Depends On", "target_ci": db.name},
			],
		)
		cis[env] = {"server": srv, "database": db, "application": app}
	service = ci(
		MARKER,
		"Business Service",
		"Production",
		"Critical",
		description="Customer relationship management for sales and customer service",
		relationships=[
			{"relationship_type": "Depends On", "target_ci": cis["Production"]["application"].name}
		],
	)
	cis["service"] = service
	return cis


def _customer():
	"""A key-account customer: ERPNext Customer, else Helpdesk HD Customer, else none (key contact only)."""
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Claire",
			"last_name": "Martin",
			"company_name": "Acme Retail",
			"itil_key_contact": 1,
			"email_ids": [{"email_id": "claire.martin@acme-retail.example", "is_primary": 1}],
		}
	).insert(ignore_permissions=True)
	# a phone number is added afterwards: ERPNext's Contact after_insert commits when it has one
	contact.append("phone_nos", {"phone": "+33 1 23 45 67 89", "is_primary_phone": 1})
	contact.save(ignore_permissions=True)
	if is_installed("erpnext"):
		customer = frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": "Acme Retail",
				"customer_type": "Company",
				"itil_key_account": 1,
			}
		).insert(ignore_permissions=True, ignore_mandatory=True)
		return "Customer", customer.name, contact
	if is_installed("helpdesk"):
		customer = frappe.get_doc(
			{"doctype": "HD Customer", "customer_name": "Acme Retail", "itil_key_account": 1}
		).insert(ignore_permissions=True)
		return "HD Customer", customer.name, contact
	return None, None, contact


def _agreements(customer_type, customer):
	supplier = _insert(
		{
			"doctype": "ITIL Support Group",
			"group_name": "Acme Hosting (Supplier)",
			"tier": 3,
			"is_external": 1,
			"supplier_name": "Acme Hosting SAS",
			"group_email": "support@acme-hosting.example",
		}
	)
	hours = 3600
	targets = lambda scale: [  # noqa: E731
		{"priority": p, "response_time": r * scale, "resolution_time": s * scale}
		for p, (r, s) in default_data.DEFAULT_SLA_TARGETS.items()
	]
	out = []
	if customer:
		out.append(
			_insert(
				{
					"doctype": "ITIL Service Agreement",
					"agreement_name": "Acme Retail Gold SLA",
					"agreement_type": "SLA",
					"service_calendar": default_data.CALENDAR_24X7,
					"customer_type": customer_type,
					"customer": customer,
					"selection_order": 1,
					"targets": targets(0.5),
				}
			)
		)
	ola = _insert(
		{
			"doctype": "ITIL Service Agreement",
			"agreement_name": "Application Support OLA",
			"agreement_type": "OLA",
			"service_calendar": default_data.CALENDAR_BUSINESS_HOURS,
			"support_group": "Level 2 - Application Support",
			"targets": targets(0.5),
		}
	)
	uc = _insert(
		{
			"doctype": "ITIL Service Agreement",
			"agreement_name": "Acme Hosting UC",
			"agreement_type": "UC",
			"service_calendar": default_data.CALENDAR_24X7,
			"support_group": supplier.name,
			"targets": targets(0.25),
			"warning_thresholds": "50, 90",
		}
	)
	frappe.db.set_value("ITIL Support Group", "Level 2 - Application Support", "service_agreement", ola.name)
	frappe.db.set_value("ITIL Support Group", supplier.name, "service_agreement", uc.name)
	out += [ola, uc]
	return out, hours


def _create() -> dict:
	users = _users()
	cis = _cmdb()
	customer_type, customer, contact = _customer()
	agreements, _ = _agreements(customer_type, customer)
	app = cis["Production"]["application"].name
	caller = {
		"customer_type": customer_type,
		"customer": customer,
		"caller": contact.name,
		"caller_email": "claire.martin@acme-retail.example",
	}

	def incident(subject, channel, impact, urgency=None, ci=app, **kw):
		return _insert(
			{
				"doctype": "ITIL Incident",
				"subject": subject,
				"channel": channel,
				"impact": impact,
				"urgency": urgency,
				"configuration_item": ci,
				"support_group": "Level 1 - Service Desk",
				**caller,
				**kw,
			}
		)

	incidents = [
		incident("Customer search times out in the CRM", "Phone", "High", "High"),
		incident("Slow opening of customer records", "Email", "Medium"),
		incident(
			"CRM database CPU above 95%", "Monitoring Event", "High", ci=cis["Production"]["database"].name
		),
		incident("Export of the opportunity list fails", "Portal", "Low"),
		incident("Cannot attach a file to a case", "Chat", "Medium", "Low"),
		incident("Test CRM login page returns an error", "Email", "Low", ci=cis["Test"]["application"].name),
	]
	_move(incidents[1], "Assigned", "In Progress")
	_move(incidents[3], "Assigned", "In Progress", "On Hold")
	_move(
		incidents[4],
		"Resolved",
		Resolved={"resolution_code": "User Error", "resolution_notes": "File was above the 25 MB limit"},
	)

	known_error = _insert(
		{
			"doctype": "ITIL Known Error",
			"title": "Missing index on the customer search table",
			"symptoms": "Customer search and record opening take more than 30 s at peak time",
			"root_cause": "The search query scans the whole contact table: the composite index was dropped in 3.1",
			"workaround": "Run the nightly re-index job manually, then ask the user to retry",
			"permanent_fix_status": "Planned",
			"affected_cis": [
				{"configuration_item": app},
				{"configuration_item": cis["Production"]["database"].name},
			],
		}
	)
	problem = _insert(
		{
			"doctype": "ITIL Problem",
			"title": "Recurring slowness of the CRM customer search",
			"priority": "P2 High",
			"support_group": "Level 3 - Expert Support",
			"problem_manager": users[2],
			"description": "Three incidents in a week on customer search and record opening",
			"affected_cis": [
				{"configuration_item": app},
				{"configuration_item": cis["Production"]["database"].name},
			],
		}
	)
	_move(problem, "Under Investigation", "Known Error", **{"Known Error": {"known_error": known_error.name}})
	for inc in incidents[:3]:
		inc.reload()
		inc.problem = problem.name
		inc.known_error = known_error.name
		inc.save(ignore_permissions=True)
	_move(
		incidents[0],
		"Assigned",
		"In Progress",
		"Resolved",
		Resolved={"resolution_code": "Workaround Applied", "resolution_notes": "Re-index job run manually"},
	)

	start = add_to_date(now_datetime(), days=-10)
	change = _insert(
		{
			"doctype": "ITIL Change",
			"title": "Restore the composite index on the contact table",
			"change_type": "Normal",
			"risk": "Medium",
			"incident": incidents[0].name,
			"reason": "Permanent fix for the known error on customer search",
			"problems": [{"problem": problem.name}],
			"known_errors": [{"known_error": known_error.name}],
			"affected_cis": [{"configuration_item": cis["Production"]["database"].name}],
			"risk_assessment": "Index creation locks the table for about 2 minutes: run in the maintenance window",
			"implementation_plan": "Create the index online, check the query plan",
			"test_plan": "Replay the search benchmark on the test environment first",
			"backout_plan": "Drop the new index",
			"planned_start": start,
			"planned_end": add_to_date(start, hours=2),
		}
	)
	_move(change, "Assessment", "Authorized", "Scheduled", "Implementing", "Review")
	go_live = _insert(
		{
			"doctype": "ITIL Go-Live",
			"title": "CRM 3.2 go-live",
			"change": change.name,
			"go_live_date": add_days(today(), -5),
			"warranty_days": 30,
			"support_group": "Level 2 - Application Support",
			"project_manager": users[1],
			"checklist_template": default_data.GO_LIVE_TEMPLATE,
			"milestones": [
				{"milestone": "Acceptance testing signed off", "planned_date": add_days(today(), -12)},
				{"milestone": "Production cut-over", "planned_date": add_days(today(), -5)},
				{"milestone": "Mid-warranty checkpoint", "planned_date": add_days(today(), 10)},
				{"milestone": "Final review", "planned_date": add_days(today(), 25)},
			],
			"affected_cis": [{"configuration_item": app}, {"configuration_item": cis["service"].name}],
			# judged at the final review on the warranty period, as the monthly service review computes them
			"qos_sla_met": 95,
			"qos_availability": 99.5,
			"qos_limit_major_incidents": 1,
			"qos_max_major_incidents": 0,
			"qos_mttr_hours": 8,
			"stakeholders": [
				{
					"stakeholder_role": "Key User",
					"contact": contact.name,
					"full_name": "Claire Martin",
					"trained": 1,
					"informed": 1,
					"involved": 1,
				},
				{
					"stakeholder_role": "Level 1 Support",
					"user": users[0],
					"full_name": "Léa Dupont",
					"trained": 1,
				},
				{"stakeholder_role": "Third-Party Maintenance", "full_name": "Acme Hosting SAS"},
				{"stakeholder_role": "Security Officer", "full_name": "RSSI Acme Retail"},
			],
		}
	)
	for row in go_live.checklist[:6]:
		row.done = 1
		if row.evidence_required:
			row.evidence_link = "https://intranet.acme-retail.example/crm-3.2/go-live"
	for row in go_live.milestones[:2]:
		row.done_on = row.planned_date
	_move(go_live, "In Warranty")
	# an incident on the new release during its warranty: marked, routed to the project's group
	warranty_incident = incident(
		"Dashboard widget of the new release shows no data", "Email", "Medium", "Medium"
	)
	standard_change = _standard_change(app)
	return {
		"users": users,
		"configuration_items": [c.name for env in ("Production", "Test") for c in cis[env].values()]
		+ [cis["service"].name],
		"agreements": [a.name for a in agreements],
		"incidents": [i.name for i in incidents],
		"problems": [problem.name],
		"known_errors": [known_error.name],
		"changes": [change.name, standard_change.name],
		"go_lives": [go_live.name],
		"warranty_incidents": [warranty_incident.name],
		"customer": (customer_type, customer),
	}


def _standard_change(app: str):
	"""A pre-authorised template and a change from it, authorised without the CAB."""
	template = "Restart the CRM application server"
	if not frappe.db.exists("ITIL Standard Change Template", template):
		_insert(
			{
				"doctype": "ITIL Standard Change Template",
				"template_name": template,
				"description": "Memory leak or hung workers: restart in the lunch break or out of hours",
				"risk": "Low",
				"max_duration_hours": 1,
				"implementation_plan": "Drain the node from the load balancer, restart the service, re-add it",
				"test_plan": "Open a customer record and run a customer search",
				"backout_plan": "Start the service on the standby node",
			}
		)
	start = add_to_date(now_datetime(), days=1)
	change = _insert(
		{
			"doctype": "ITIL Change",
			"title": "Restart the CRM application server (memory leak)",
			"change_type": "Standard",
			"standard_template": template,
			"affected_cis": [{"configuration_item": app}],
			"planned_start": start,
			"planned_end": add_to_date(start, minutes=30),
		}
	)
	return _move(change, "Assessment")
