"""Each change type reaches Authorized through the right authority (issue 9): standard pre-authorised,
low-risk normal by a change manager, medium / high risk by the CAB's votes with a quorum, emergency by
the emergency CAB with a retrospective review before it closes."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from itil_crm.change_enablement.authority import cast_vote
from itil_crm.tests.utils import move, user_with_roles


def new_change(user, **kw):
	with _as(user):
		return frappe.get_doc(
			{"doctype": "ITIL Change", "title": f"_Test authority {random_string(5)}", **kw}
		).insert()


class _as:
	def __init__(self, user):
		self.user = user

	def __enter__(self):
		self.before = frappe.session.user
		frappe.set_user(self.user)

	def __exit__(self, *exc):
		frappe.set_user(self.before)


class TestChangeAuthority(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.engineer = user_with_roles("ITIL Support Engineer")
		cls.manager = user_with_roles("ITIL Change Manager")
		cls.cab = [user_with_roles("ITIL CAB Member") for _ in range(3)]
		settings = frappe.get_single("ITIL Settings")
		cls.quorums = (settings.cab_quorum, settings.ecab_quorum)
		frappe.db.set_single_value("ITIL Settings", {"cab_quorum": 2, "ecab_quorum": 1})

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value(
			"ITIL Settings", {"cab_quorum": cls.quorums[0], "ecab_quorum": cls.quorums[1]}
		)
		super().tearDownClass()

	def move_as(self, user, change, status):
		with _as(user):
			doc = frappe.get_doc("ITIL Change", change.name)
			doc.status = status
			doc.save()
			return doc

	def test_a_standard_change_is_pre_authorised_by_its_template(self):
		with _as(self.manager):
			template = frappe.get_doc(
				{
					"doctype": "ITIL Standard Change Template",
					"template_name": f"_Test restart {random_string(5)}",
					"risk": "Low",
					"max_duration_hours": 1,
					"implementation_plan": "Restart the application server",
					"backout_plan": "Start the previous release",
				}
			).insert()
		self.assertEqual(template.approved_by, self.manager)
		with _as(self.engineer):  # only change managers write templates
			self.assertRaises(frappe.PermissionError, template.save)
		# no template: refused
		self.assertRaises(frappe.ValidationError, new_change, self.engineer, change_type="Standard")
		change = new_change(
			self.engineer, change_type="Standard", standard_template=template.name, risk="High"
		)
		self.assertEqual(change.required_authority, "Pre-authorised (standard change)")
		self.assertEqual((change.risk, change.backout_plan), ("Low", "Start the previous release"))
		# the window may not exceed the template's
		change.update({"planned_start": "2027-01-05 22:00:00", "planned_end": "2027-01-06 01:00:00"})
		self.assertRaises(frappe.ValidationError, change.save)
		change.reload()
		self.assertEqual(self.move_as(self.engineer, change, "Assessment").status, "Authorized")
		# a disabled template authorises nothing more
		template.enabled = 0
		template.save()
		self.assertRaises(
			frappe.ValidationError,
			new_change,
			self.engineer,
			change_type="Standard",
			standard_template=template.name,
		)

	def test_a_low_risk_normal_change_needs_a_change_manager(self):
		change = new_change(self.engineer, change_type="Normal", risk="Low")
		self.move_as(self.engineer, change, "Assessment")
		self.assertRaises(frappe.ValidationError, self.move_as, self.engineer, change, "Authorized")
		self.assertEqual(self.move_as(self.manager, change, "Authorized").status, "Authorized")

	def test_a_medium_risk_change_goes_to_the_cab_and_its_votes_decide(self):
		change = new_change(self.engineer, change_type="Normal", risk="Medium")
		self.assertEqual(change.required_authority, "CAB")
		self.move_as(self.engineer, change, "Assessment")
		# not even a change manager authorises it by hand
		self.assertRaises(frappe.ValidationError, self.move_as, self.manager, change, "Authorized")
		with _as(self.engineer):  # not a member
			self.assertRaises(frappe.PermissionError, cast_vote, change.name, "Approve")
		with _as(self.cab[0]):
			self.assertEqual(cast_vote(change.name, "Approve", "Backout tested"), "Assessment")
			self.assertEqual(cast_vote(change.name, "Reject", "changed my mind"), "Assessment")  # replaces
			self.assertRaises(frappe.ValidationError, cast_vote, change.name, "Maybe")
		with _as(self.cab[1]):
			self.assertEqual(cast_vote(change.name, "Approve"), "Rejected")  # 1 for, 1 against: no majority
		change.reload()
		self.assertEqual(
			[(v.member, v.decision) for v in change.cab_votes],
			[(self.cab[0], "Reject"), (self.cab[1], "Approve")],
		)

		again = new_change(self.engineer, change_type="Normal", risk="High")
		self.move_as(self.engineer, again, "Assessment")
		for member in self.cab[:2]:
			with _as(member):
				status = cast_vote(again.name, "Approve")
		self.assertEqual(status, "Authorized")
		self.assertEqual(frappe.db.get_value("ITIL Change", again.name, "cab_decision"), "Approved")

	def test_an_emergency_change_goes_to_the_emergency_cab_and_is_reviewed_after(self):
		change = new_change(self.engineer, change_type="Emergency", risk="High")
		self.assertEqual(change.required_authority, "Emergency CAB")
		self.move_as(self.engineer, change, "Assessment")
		with _as(self.manager):  # change managers sit on the emergency CAB; quorum 1
			self.assertEqual(cast_vote(change.name, "Approve", "Outage in progress"), "Authorized")
		change.reload()
		start = frappe.utils.now_datetime()
		change.update({"planned_start": start, "planned_end": frappe.utils.add_to_date(start, hours=1)})
		move(change, "Scheduled", "Implementing", "Review")
		change.update({"status": "Closed", "review_outcome": "Successful"})
		self.assertRaises(frappe.ValidationError, change.save)
		change.reload()
		move(change, "Closed", Closed={"review_outcome": "Successful", "retrospective_review": "Justified"})

	def test_the_risk_assessment_sets_the_risk(self):
		frappe.db.delete("ITIL Change Risk Question", {"parent": "ITIL Settings"})
		settings = frappe.get_single("ITIL Settings")
		settings.append("change_risk_questions", {"question": "Production?", "weight": 3})
		settings.append("change_risk_questions", {"question": "No backout?", "weight": 1})
		settings.save()
		change = new_change(self.engineer, change_type="Normal", risk="Medium")
		self.assertEqual([r.question for r in change.risk_answers], ["Production?", "No backout?"])
		self.assertEqual(change.risk, "Medium")  # not assessed yet: the risk given stands
		change.risk_answers[1].answer = 1
		change.save()
		self.assertEqual(
			(change.risk, change.risk_score, change.required_authority), ("Low", 25.0, "Change Manager")
		)
		change.risk_answers[0].answer = 1
		change.save()
		self.assertEqual((change.risk, change.required_authority), ("High", "CAB"))
