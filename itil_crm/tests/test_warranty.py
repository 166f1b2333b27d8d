"""The post-go-live warranty period (issue 9, R7-R11): a go-live generates its checklist with due dates,
an incident on a covered CI becomes a warranty incident routed to the project's group (and boosted),
the go-live refuses to close on an open P2 warranty incident, then closes after its final review; the
daily job moves go-lives and reminds owners once per stage."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, random_string, today

from itil_crm.service_transition import warranty
from itil_crm.setup.default_data import GO_LIVE_CHECKLIST, GO_LIVE_TEMPLATE
from itil_crm.tests.utils import TEST_IGNORE, make_ci, make_incident, move, user_with_roles

test_ignore = TEST_IGNORE

SETTINGS = {
	"warranty_impact": "High",
	"route_warranty_incidents": 1,
	"exit_mandatory_items": 1,
	"warranty_blocking_priority": "P2 High",
	"warranty_sla_target": 95,
	"go_live_override_role": "ITIL Change Manager",
	"go_live_reminder_days": 2,
}


def make_group():
	return frappe.get_doc(
		{"doctype": "ITIL Support Group", "group_name": f"_Test project {random_string(6)}", "tier": 2}
	).insert()


def make_go_live(ci, group=None, go_live_date=None, **kw):
	return frappe.get_doc(
		{
			"doctype": "ITIL Go-Live",
			"title": f"_Test warranty {random_string(5)}",
			"go_live_date": go_live_date or add_days(today(), -3),
			"checklist_template": GO_LIVE_TEMPLATE,
			"support_group": group,
			"affected_cis": [{"configuration_item": ci}],
			**kw,
		}
	).insert()


def finish_checklist(go_live):
	for row in go_live.checklist:
		row.done = 1
		if row.evidence_required:
			row.evidence_link = "https://intranet.example.com/evidence"
	go_live.save()


class TestWarranty(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		settings = frappe.get_single("ITIL Settings")
		cls.saved = {f: settings.get(f) for f in SETTINGS}
		frappe.db.set_single_value("ITIL Settings", SETTINGS)

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value("ITIL Settings", cls.saved)
		super().tearDownClass()

	def test_a_go_live_generates_its_checklist_with_due_dates(self):
		go_live = make_go_live(make_ci().name, go_live_date="2027-03-01", warranty_days=None)
		default_days = frappe.db.get_single_value("ITIL Settings", "default_warranty_days") or 30
		self.assertEqual(go_live.warranty_days, default_days)
		self.assertEqual(len(go_live.checklist), len(GO_LIVE_CHECKLIST))
		first = go_live.checklist[0]
		self.assertEqual((first.category, first.owner_role), ("Process", "Project Manager"))
		self.assertEqual(getdate(first.due_date), getdate("2027-02-15"))  # two weeks before
		review = go_live.checklist[-1]
		self.assertEqual(getdate(review.due_date), getdate(go_live.warranty_end))
		self.assertEqual(go_live.project_manager, frappe.session.user)
		self.assertIn("✘", go_live.exit_status)
		self.assertFalse(go_live.exit_criteria_met)
		# the end given instead of the length: the length follows; the review item moves with it
		go_live.warranty_end = "2027-05-01"
		go_live.save()
		self.assertEqual(go_live.warranty_days, 61)
		self.assertEqual(getdate(go_live.checklist[-1].due_date), getdate("2027-05-01"))

	def test_a_warranty_incident_is_marked_routed_and_boosted(self):
		ci, group = make_ci().name, make_group().name
		go_live = move(make_go_live(ci, group), "In Warranty")
		incident = make_incident(configuration_item=ci, impact="Low", urgency="Medium")
		self.assertEqual(incident.warranty_go_live, go_live.name)
		self.assertEqual(incident.support_group, group)
		self.assertEqual(incident.effective_impact, "High")  # the boost of ITIL Settings
		self.assertIn(go_live.name, incident.priority_reason)
		comments = frappe.get_all(
			"Comment", filters={"reference_name": incident.name, "comment_type": "Info"}, pluck="content"
		)
		self.assertTrue(any(go_live.name in c for c in comments))
		self.assertTrue(any(group in c for c in comments))
		# an incident on another CI, or before the go-live, is not a warranty incident
		self.assertFalse(make_incident(configuration_item=make_ci().name).warranty_go_live)
		self.assertFalse(
			make_incident(configuration_item=ci, opened_on=add_days(today(), -10)).warranty_go_live
		)
		# an incident re-classified onto the CI later is marked then
		later = make_incident()
		later.configuration_item = ci
		later.save()
		self.assertEqual(later.warranty_go_live, go_live.name)
		summary = {r["priority"]: r for r in warranty.summary(go_live.name)}
		self.assertEqual(sum(r["incidents"] for r in summary.values()), 2)

	def test_no_boost_and_no_routing_when_switched_off(self):
		ci, group = make_ci().name, make_group().name
		move(make_go_live(ci, group), "In Warranty")
		frappe.db.set_single_value("ITIL Settings", {"warranty_impact": None, "route_warranty_incidents": 0})
		try:
			incident = make_incident(configuration_item=ci, impact="Low", urgency="Low")
		finally:
			frappe.db.set_single_value("ITIL Settings", SETTINGS)
		self.assertTrue(incident.warranty_go_live)
		self.assertFalse(incident.support_group)
		self.assertEqual(incident.effective_impact, "Low")

	def test_closing_is_refused_on_an_open_p2_then_allowed_after_the_final_review(self):
		ci = make_ci().name
		go_live = move(make_go_live(ci, make_group().name), "In Warranty")
		incident = make_incident(configuration_item=ci, impact="Medium", urgency="Medium")
		self.assertEqual(incident.priority, "P2 High")  # Medium raised to High: a P2
		finish_checklist(go_live)
		go_live.reload()
		go_live.update(
			{
				"review_decision": "Close",
				"final_review": "<p>Stable</p>",
				"attendees": [{"user": "Administrator"}],
			}
		)
		move(go_live, "Final Review")
		go_live.status = "Closed"
		with self.assertRaises(frappe.ValidationError) as ctx:
			go_live.save()
		self.assertIn(incident.name, str(ctx.exception))
		self.assertEqual(frappe.db.get_value("ITIL Go-Live", go_live.name, "status"), "Final Review")
		incident.update({"status": "Resolved", "resolution_code": "Permanent Fix"})
		incident.save()
		go_live.reload()
		move(go_live, "Closed")
		self.assertEqual(go_live.signed_off_by, frappe.session.user)
		self.assertTrue(go_live.exit_criteria_met)
		self.assertFalse(go_live.overridden_by)

	def test_sla_compliance_below_target_holds_the_exit_until_an_authorised_override(self):
		ci = make_ci().name
		go_live = move(make_go_live(ci), "In Warranty")
		breached = make_incident(configuration_item=ci, impact="Low", urgency="Low")
		breached.update({"status": "Resolved", "resolution_code": "Permanent Fix"})
		breached.save()
		frappe.db.set_value("ITIL Incident", breached.name, "sla_status", "Missed")
		finish_checklist(go_live)
		go_live.reload()
		go_live.update({"review_decision": "Close", "final_review": "Done"})
		move(go_live, "Final Review")
		self.assertIn("0.0 %", go_live.exit_status)
		engineer = user_with_roles("ITIL Support Engineer")
		manager = user_with_roles("ITIL Change Manager")
		for user, allowed in ((engineer, False), (manager, True)):
			frappe.set_user(user)
			try:
				doc = frappe.get_doc("ITIL Go-Live", go_live.name)
				doc.update({"status": "Closed", "override_reason": "Customer accepts: one-off outage"})
				if allowed:
					doc.save()
				else:
					self.assertRaises(frappe.ValidationError, doc.save)
			finally:
				frappe.set_user("Administrator")
		go_live.reload()
		self.assertEqual((go_live.status, go_live.overridden_by), ("Closed", manager))

	def test_an_extension_needs_a_later_date_and_moves_the_end(self):
		go_live = move(make_go_live(make_ci().name), "In Warranty", "Final Review")
		end = getdate(go_live.warranty_end)
		go_live.status = "Extended"
		go_live.extend_until = add_days(end, -1)
		self.assertRaises(frappe.ValidationError, go_live.save)
		go_live.reload()
		move(go_live, "Extended", Extended={"review_decision": "Extend", "extend_until": add_days(end, 14)})
		self.assertEqual(getdate(go_live.warranty_end), getdate(add_days(end, 14)))
		self.assertEqual(getdate(go_live.checklist[-1].due_date), getdate(add_days(end, 14)))

	def test_bad_input_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_go_live(make_ci().name, go_live_date="2027-03-01", warranty_end="2027-02-01")
		self.assertIn("after the go-live", str(ctx.exception))
		with self.assertRaises(frappe.ValidationError) as ctx:
			frappe.get_doc(
				{"doctype": "ITIL Go-Live Checklist Template", "template_name": f"_Test {random_string(5)}"}
			).insert()
		self.assertIn("at least one item", str(ctx.exception))
		go_live = make_go_live(make_ci().name)
		row = next(r for r in go_live.checklist if r.evidence_required)
		row.done = 1
		with self.assertRaises(frappe.ValidationError) as ctx:
			go_live.save()
		self.assertIn("evidence", str(ctx.exception))

	def test_the_daily_job_moves_go_lives_and_reminds_once_per_stage(self):
		ci = make_ci().name
		ended = make_go_live(ci, go_live_date=add_days(today(), -40), warranty_days=30)
		starting = make_go_live(make_ci().name, go_live_date=today())
		owner = user_with_roles("ITIL Support Engineer")
		upcoming = make_go_live(make_ci().name, go_live_date=add_days(today(), 10))
		row = upcoming.checklist[0]  # due 14 days before the go-live: overdue already
		row.assigned_to = owner
		upcoming.save()
		warranty.run()
		self.assertEqual(frappe.db.get_value("ITIL Go-Live", ended.name, "status"), "Final Review")
		self.assertEqual(frappe.db.get_value("ITIL Go-Live", starting.name, "status"), "In Warranty")
		self.assertEqual(frappe.db.get_value("ITIL Go-Live", upcoming.name, "status"), "Planned")

		def reminders(user):
			return frappe.db.count(
				"Notification Log",
				{"for_user": user, "document_type": "ITIL Go-Live", "document_name": upcoming.name},
			)

		self.assertEqual(reminders(owner), 1)
		modified = frappe.db.get_value("ITIL Go-Live", ended.name, "modified")
		warranty.run()  # a re-run moves nothing and sends nothing
		self.assertEqual(reminders(owner), 1)
		self.assertEqual(frappe.db.get_value("ITIL Go-Live", ended.name, "modified"), modified)
		# an item coming due: one "due" reminder, then one "overdue" after its date, then nothing
		row = upcoming.checklist[3]  # due 7 days before the go-live, to the project manager
		due = getdate(row.due_date)
		pm = upcoming.project_manager
		before = reminders(pm)
		warranty.remind(add_days(due, -1))
		warranty.remind(add_days(due, -1))
		after_due = reminders(pm)
		self.assertGreater(after_due, before)
		warranty.remind(add_days(due, 1))
		warranty.remind(add_days(due, 2))
		self.assertEqual(
			frappe.db.get_value("ITIL Go-Live Checklist Item", row.name, "reminder_stage"), "overdue"
		)
		self.assertGreater(reminders(pm), after_due)

	def test_the_dashboard_report_and_print_format(self):
		ci = make_ci().name
		go_live = move(make_go_live(ci), "In Warranty")
		make_incident(configuration_item=ci, impact="Medium", urgency="Medium")
		unsafe = make_incident(configuration_item=ci, impact="Low", urgency="Low")
		# stored as-is by an import or an older release: the print format must escape it
		frappe.db.set_value("ITIL Incident", unsafe.name, "subject", "<img src=x onerror=alert(1)>")
		from itil_crm.service_transition.report.itil_warranty_incidents.itil_warranty_incidents import execute

		_columns, data, _msg, chart = execute({"go_live": go_live.name})
		self.assertEqual(sum(r.incidents for r in data), 2)
		self.assertEqual({r.go_live for r in data}, {go_live.name})
		self.assertEqual(sum(chart["data"]["datasets"][0]["values"]), 2)  # both open
		summary = warranty.warranty_summary(go_live.name)
		self.assertEqual(summary["by_priority"][0]["priority"], "P2 High")  # most urgent first
		self.assertIn("✘", summary["criteria_text"])
		html = frappe.get_print("ITIL Go-Live", go_live.name, "ITIL Go-Live Final Review")
		self.assertIn(go_live.name, html)
		self.assertIn("&lt;img src=x", html)
		self.assertNotIn("<img src=x", html)
		frappe.set_user(user_with_roles("Blogger"))  # no ITIL role: no summary
		try:
			self.assertRaises(frappe.PermissionError, warranty.warranty_summary, go_live.name)
		finally:
			frappe.set_user("Administrator")
