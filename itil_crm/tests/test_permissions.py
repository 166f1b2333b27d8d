"""A user holding one ITIL role can do what docs/permissions.md says, and nothing more."""

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.change_enablement.authority import cast_vote
from itil_crm.tests.permission_matrix import parse_moves_doc, parse_permissions_doc
from itil_crm.tests.utils import make_incident, move, user_with_roles

ACTIONS = ("read", "write", "create", "delete")


class TestRolePermissions(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.roles, cls.matrix = parse_permissions_doc()
		# Administrator-free: a System Manager user is checked over HTTP (http_tests); Guest is nobody here
		cls.users = {
			role: user_with_roles(role) for role in cls.roles if role not in ("System Manager", "Guest")
		}

	def test_every_role_gets_exactly_the_documented_rights(self):
		mismatches = []
		for doctype, per_role in self.matrix.items():
			is_single = frappe.get_meta(doctype).issingle
			for role, user in self.users.items():
				for action in ACTIONS:
					if is_single and action in ("create", "delete"):
						continue
					expected = action in per_role[role]
					actual = bool(frappe.has_permission(doctype, action, user=user))
					if actual != expected:
						mismatches.append(f"{role} {action} {doctype}: expected {expected}, got {actual}")
		self.assertEqual(mismatches, [])

	def test_a_user_without_itil_roles_sees_nothing(self):
		outsider = user_with_roles("Blogger")
		for doctype in self.matrix:
			self.assertFalse(frappe.has_permission(doctype, "read", user=outsider), doctype)

	def test_agent_creates_incidents_but_not_changes_or_cis(self):
		agent = self.users["ITIL Service Desk Agent"]
		with self.set_user(agent):
			incident = make_incident()
			self.assertEqual(incident.owner, agent)
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc({"doctype": "ITIL Change", "title": "Not allowed"}).insert()
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc(
					{"doctype": "ITIL Configuration Item", "ci_name": "x", "ci_type": "Server"}
				).insert()
			with self.assertRaises(frappe.PermissionError):
				frappe.delete_doc("ITIL Incident", incident.name)

	def test_configuration_manager_owns_the_cmdb_but_not_incidents(self):
		manager = self.users["ITIL Configuration Manager"]
		with self.set_user(manager):
			ci = frappe.get_doc(
				{"doctype": "ITIL Configuration Item", "ci_name": "_Test perm CI", "ci_type": "Server"}
			).insert()
			frappe.delete_doc("ITIL Configuration Item", ci.name)
			with self.assertRaises(frappe.PermissionError):
				make_incident()

	def test_service_level_manager_edits_settings_agent_cannot(self):
		with self.set_user(self.users["ITIL Service Desk Agent"]):
			settings = frappe.get_doc("ITIL Settings")
			settings.tier_resolution_target = 70
			with self.assertRaises(frappe.PermissionError):
				settings.save()
		with self.set_user(self.users["ITIL Service Level Manager"]):
			settings = frappe.get_doc("ITIL Settings")
			settings.tier_resolution_target = 70
			settings.save()


class TestReservedMoves(FrappeTestCase):
	"""The moves of docs/permissions.md that no write right gives (each principal tries every move over HTTP:
	http_tests/test_reserved_moves.py)."""

	def test_the_moves_table_names_every_principal(self):
		roles, _matrix = parse_permissions_doc()
		moves = parse_moves_doc()
		self.assertIn("write_cab_votes", moves)
		for move_key, allowed in moves.items():
			self.assertEqual(list(allowed), roles, move_key)

	def test_a_vote_is_cast_not_written_into_the_change(self):
		change = frappe.get_doc(
			{"doctype": "ITIL Change", "title": "_Test votes", "change_type": "Normal", "risk": "High"}
		).insert()
		move(change, "Assessment")
		member = user_with_roles("ITIL CAB Member")
		with self.set_user(member):
			doc = frappe.get_doc("ITIL Change", change.name)
			doc.append("cab_votes", {"member": "Administrator", "decision": "Approve"})
			doc.append("cab_votes", {"member": member, "decision": "Approve"})
			self.assertRaises(frappe.PermissionError, doc.save)
			self.assertEqual(cast_vote(change.name, "Approve"), "Assessment")  # one vote of two
			doc = frappe.get_doc("ITIL Change", change.name)
			doc.cab_notes = "Seen"  # the votes come back as they were: the save goes through
			doc.save()
			doc.cab_votes[0].decision = "Reject"
			self.assertRaises(frappe.PermissionError, doc.save)
		votes = frappe.get_all(
			"ITIL CAB Vote", filters={"parent": change.name}, fields=["member", "decision"]
		)
		self.assertEqual([(v.member, v.decision) for v in votes], [(member, "Approve")])

	def test_an_engineer_ticks_the_go_live_but_a_change_manager_signs_it_off(self):
		go_live = frappe.get_doc(
			{"doctype": "ITIL Go-Live", "title": "_Test sign-off", "go_live_date": frappe.utils.today()}
		).insert()
		move(go_live, "In Warranty")
		go_live.update({"review_decision": "Close", "final_review": "<p>Stable</p>"})
		move(go_live, "Final Review")
		for role, allowed in (("ITIL Support Engineer", False), ("ITIL Change Manager", True)):
			user = user_with_roles(role)
			with self.set_user(user):
				doc = frappe.get_doc("ITIL Go-Live", go_live.name)
				doc.status = "Closed"
				if allowed:
					doc.save()
					self.assertEqual(doc.signed_off_by, user)
				else:
					self.assertRaises(frappe.PermissionError, doc.save)
		self.assertEqual(frappe.db.get_value("ITIL Go-Live", go_live.name, "status"), "Closed")


class TestMethodsTellNoNames(FrappeTestCase):
	"""Issue 23: the app's methods that act on one record (merge, link incidents to a problem, the
	monitoring and warranty summaries, a CAB vote) answer a name that does not exist as they answer a
	record out of the user's reach: nobody learns which names exist from a 404 against a 403."""

	def test_a_missing_name_and_a_forbidden_record_get_the_same_answer(self):
		from itil_crm.incident_management.duplicates import merge
		from itil_crm.problem_management.problems import link_incidents
		from itil_crm.service_desk.monitoring_events import monitoring_summary
		from itil_crm.service_transition.warranty import warranty_summary

		incident, other = make_incident(), make_incident()
		problem = frappe.get_doc({"doctype": "ITIL Problem", "title": "_Test no names"}).insert()
		change = frappe.get_doc({"doctype": "ITIL Change", "title": "_Test no names"}).insert()
		calls = {
			"merge": lambda name: merge(name, other.name),
			"monitoring_summary": monitoring_summary,
			"link_incidents": lambda name: link_incidents(name, [incident.name]),
			"warranty_summary": warranty_summary,
			"cast_vote": lambda name: cast_vote(name, "Approve"),
		}
		existing = {
			"merge": incident.name,
			"monitoring_summary": incident.name,
			"link_incidents": problem.name,
			"warranty_summary": "_Test no such go-live",
			"cast_vote": change.name,
		}
		nobody = user_with_roles("Blogger")  # a desk user with no right on the app's records
		for method, call in calls.items():
			answers = []
			for name in (existing[method], f"_Test missing {method}"):
				with self.set_user(nobody), self.assertRaises(frappe.PermissionError, msg=method) as ctx:
					call(name)
				answers.append(type(ctx.exception))
			self.assertEqual(answers[0], answers[1], method)
		# a user who may work with them is told a name does not exist
		agent = user_with_roles("ITIL Service Desk Agent")
		with self.set_user(agent), self.assertRaises(frappe.DoesNotExistError):
			monitoring_summary("_Test missing incident")
