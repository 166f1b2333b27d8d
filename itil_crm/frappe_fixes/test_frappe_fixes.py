"""Each fix of this folder, beside the Frappe 15 hole it closes. Every ``test_frappe_still_...`` shows the hole
on Frappe's own doctypes or functions: it fails on the day Frappe closes the hole, and that fix can go.
The ``test_the_app_...`` beside it shows the fix at work on the app's records."""

import frappe
import frappe.client
import frappe.utils.global_search
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from itil_crm.customer_portal import access
from itil_crm.frappe_fixes import count_and_search, deadlocks, portal_requests, request_values
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.tests.test_customer_portal import portal_user
from itil_crm.tests.utils import make_incident, user_with_roles

SCRIPT = '"<img src=x onerror=alert(1)>"'  # quotes included: it parses as JSON


class TestJsonText(FrappeTestCase):
	def test_frappe_still_saves_text_that_parses_as_json_unsanitized(self):
		todo = frappe.get_doc({"doctype": "ToDo", "description": SCRIPT}).insert(ignore_permissions=True)
		self.assertIn("onerror", frappe.db.get_value("ToDo", todo.name, "description"))

	def test_the_apps_records_and_the_mails_on_them_are_sanitized(self):
		incident = make_incident(subject=SCRIPT, description=SCRIPT)
		stored = frappe.db.get_value("ITIL Incident", incident.name, ["subject", "description"])
		self.assertFalse(any("onerror" in value for value in stored), stored)
		mail = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"subject": "x",
				"content": SCRIPT,
				"reference_doctype": "ITIL Incident",
				"reference_name": incident.name,
			}
		).insert(ignore_permissions=True)
		self.assertNotIn("onerror", frappe.db.get_value("Communication", mail.name, "content"))
		# other apps' records are left to Frappe
		other = frappe.get_doc({"doctype": "Communication", "subject": "x", "content": SCRIPT}).insert(
			ignore_permissions=True
		)
		self.assertIn("onerror", frappe.db.get_value("Communication", other.name, "content"))


class TestCountAndSearch(FrappeTestCase):
	def test_frappe_still_counts_records_for_users_who_may_not_read_them(self):
		make_incident()
		outsider = user_with_roles("Blogger", prefix="itil-outsider")
		with self.set_user(outsider):
			self.assertFalse(frappe.has_permission("ITIL Incident", "read"))
			self.assertGreater(frappe.client.get_count("ITIL Incident"), 0)

	def test_the_apps_counts_obey_permissions(self):
		mine_user, contact = portal_user()
		mine = make_incident(caller=contact)
		make_incident()
		outsider = user_with_roles("Blogger", prefix="itil-outsider")
		with self.set_user(outsider):
			self.assertRaises(frappe.PermissionError, count_and_search.get_count, "ITIL Incident")
		with self.set_user(mine_user):
			self.assertEqual(count_and_search.get_count("ITIL Incident"), 1)
			self.assertEqual(count_and_search.get_count("ITIL Incident", {"name": mine.name}), 1)
			self.assertRaises(
				frappe.ValidationError, count_and_search.get_count, "ITIL Incident", {"no_such_column": 1}
			)
		# other doctypes are counted by Frappe, unchanged
		self.assertEqual(count_and_search.get_count("ToDo"), frappe.client.get_count("ToDo"))

	def test_frappe_still_finds_records_the_user_may_not_read_in_global_search(self):
		"""MariaDB's full-text index sees committed rows only: this test commits its records, and removes
		them (and its Global Search Settings row) at the end."""
		settings = frappe.get_single("Global Search Settings")
		added = not any(r.document_type == "ITIL Incident" for r in settings.allowed_in_global_search)
		if added:
			settings.append("allowed_in_global_search", {"document_type": "ITIL Incident"})
			settings.save(ignore_permissions=True)
		user, contact = portal_user()
		word = f"zq{random_string(10).lower()}"
		mine = make_incident(caller=contact, subject=f"_Test {word} mine")
		other = make_incident(subject=f"_Test {word} other")
		for incident in (mine, other):  # what Frappe's background sync writes for an indexed record
			frappe.utils.global_search.sync_value(
				{
					"doctype": "ITIL Incident",
					"name": incident.name,
					"content": incident.subject,
					"published": 0,
					"title": incident.subject,
					"route": "",
				}
			)
		frappe.db.commit()
		try:
			with self.set_user(user):
				found = {hit.name for hit in frappe.utils.global_search.search(word)}
				self.assertIn(other.name, found)  # Frappe's own search: another customer's incident
				found = {hit.name for hit in count_and_search.global_search(word)}
				self.assertEqual(found, {mine.name})
		finally:
			frappe.db.delete("__global_search", {"name": ["in", [mine.name, other.name]]})
			for incident in (mine, other):
				frappe.delete_doc("ITIL Incident", incident.name, force=True, ignore_permissions=True)
			if added:
				settings.reload()
				settings.allowed_in_global_search = [
					r for r in settings.allowed_in_global_search if r.document_type != "ITIL Incident"
				]
				settings.save(ignore_permissions=True)
			frappe.db.commit()


class TestRequestValues(FrappeTestCase):
	def test_frappe_still_fails_on_wrong_types_with_database_or_python_errors(self):
		for values, error in (
			({"doctype": "ToDo", "description": "x", "date": "2026-13-45"}, frappe.db.OperationalError),
			({"doctype": "ToDo", "description": {"a": 1}}, TypeError),
		):
			frappe.db.savepoint("wrong")
			try:
				self.assertRaises(error, frappe.get_doc(values).insert, ignore_permissions=True)
			finally:
				frappe.db.rollback(save_point="wrong")

	def test_the_apps_records_refuse_them_with_a_message(self):
		for values in (
			{"subject": "x", "opened_on": "2026-13-45 10:00:00"},
			{"subject": {"a": 1}},
			{"subject": "x", "tier": "two"},
		):
			self.assertRaises(frappe.ValidationError, request_values.check_values, "ITIL Incident", values)
		for values in ({"priority_name": "x", "color": {}}, {"priority_name": "x", "rank": {"a": 1}}):
			self.assertRaises(frappe.ValidationError, request_values.check_values, "ITIL Priority", values)
		request_values.check_values("ITIL Incident", {"subject": "fine", "tier": 2})


@checked
def _needs_a_name(name: str) -> str:
	return name


class TestWhitelistedArguments(FrappeTestCase):
	def test_frappe_still_answers_a_missing_argument_with_a_python_error(self):
		with self.assertRaises(TypeError) as raised:
			frappe.call("frappe.desk.search.search_link")
		self.assertNotIsInstance(raised.exception, frappe.ValidationError)

	def test_the_apps_methods_refuse_it_with_a_message(self):
		self.assertRaises(frappe.ValidationError, frappe.call, _needs_a_name)
		self.assertRaises(frappe.ValidationError, frappe.call, _needs_a_name, name="x" * 70_000)
		self.assertEqual(frappe.call(_needs_a_name, name="INC-1"), "INC-1")


class TestPortalRequests(FrappeTestCase):
	def test_frappe_still_gives_the_desks_timeline_to_whoever_reads_the_record(self):
		from frappe.desk.form.load import getdoc

		user, contact = portal_user()
		mine = make_incident(caller=contact)
		mine.add_comment("Comment", "internal: the DBA broke it")
		with self.set_user(user):
			self.assertTrue(access.restricted(user))
			getdoc("ITIL Incident", mine.name)  # Frappe's form endpoint, as the request would call it
			docinfo = frappe.response.get("docinfo") or {}
			self.assertIn("DBA", frappe.as_json(docinfo.get("comments") or []))

	def test_frappe_still_lets_readers_of_the_record_download_its_private_files(self):
		user, contact = portal_user()
		mine = make_incident(caller=contact)
		log = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"agent-{random_string(5)}.txt",
				"content": b"internal",
				"attached_to_doctype": "ITIL Incident",
				"attached_to_name": mine.name,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
		with self.set_user(user):
			self.assertFalse(frappe.has_permission("File", "read", doc=log, user=user))  # the app's hook
			self.assertTrue(log.is_downloadable())  # what /private/files asks: not the hook
			self.assertFalse(portal_requests._may_download(log.file_url, user))  # the guard


class TestDeadlocks(FrappeTestCase):
	def test_frappe_still_does_not_recognise_its_own_deadlock_error(self):
		self.assertFalse(frappe.db.is_deadlocked(frappe.QueryDeadlockError("deadlock")))

	def test_the_work_is_run_again_after_a_lost_deadlock(self):
		calls, reloads = [], []

		def work():
			calls.append(1)
			if len(calls) < 3:
				raise frappe.QueryDeadlockError("deadlock")
			return "done"

		self.assertEqual(deadlocks.retried(work, 4, again=lambda: reloads.append(1)), "done")
		self.assertEqual((len(calls), len(reloads)), (3, 2))
