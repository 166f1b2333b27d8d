"""Each fix of this folder, beside the Frappe 15 hole it closes. Every ``test_frappe_still_...`` shows the hole
on Frappe's own doctypes or functions: it fails on the day Frappe closes the hole, and that fix can go.
The ``test_the_app_...`` beside it shows the fix at work on the app's records."""

import importlib
import json
from pathlib import Path

import frappe
import frappe.client
import frappe.utils.global_search
from frappe.model.document import Document
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from itil_crm.customer_portal import access
from itil_crm.frappe_fixes import (
	count_and_search,
	deadlocks,
	deletes,
	error_answers,
	link_validation,
	muted_mail,
	portal_requests,
	request_values,
)
from itil_crm.frappe_fixes.whitelisted_arguments import Filters, JSONObject, checked
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


class TestLinkValidation(FrappeTestCase):
	def test_frappe_still_tells_whoever_reads_the_doctype_which_names_exist(self):
		user, _contact = portal_user()
		other = make_incident()
		with self.set_user(user):
			self.assertFalse(frappe.has_permission("ITIL Incident", "read", doc=other.name))
			self.assertEqual(frappe.client.validate_link("ITIL Incident", other.name).name, other.name)

	def test_the_apps_names_exist_only_for_who_may_read_them(self):
		user, contact = portal_user()
		mine = make_incident(caller=contact)
		other = make_incident()
		missing = f"INC-NONE-{random_string(6)}"
		with self.set_user(user):  # another customer's incident answers as a name that does not exist
			self.assertEqual(link_validation.validate_link("ITIL Incident", other.name), {"name": None})
			self.assertEqual(link_validation.validate_link("ITIL Incident", missing), {"name": None})
			self.assertEqual(link_validation.validate_link("ITIL Incident", mine.name).name, mine.name)
		outsider = user_with_roles("Blogger", prefix="itil-outsider")
		with self.set_user(outsider):  # no right on the doctype: refused, whether the name exists or not
			for name in (other.name, missing):
				self.assertRaises(
					frappe.PermissionError, link_validation.validate_link, "ITIL Incident", name
				)
		# who may read the record gets Frappe's answer, fetched fields included (the desk's Link fields)
		with self.set_user(user_with_roles("ITIL Service Desk Agent")):
			answer = link_validation.validate_link("ITIL Incident", other.name, ["subject"])
			self.assertEqual((answer.name, answer.subject), (other.name, other.subject))
			self.assertEqual(link_validation.validate_link("ITIL Incident", missing), {"name": None})
		# other doctypes are answered by Frappe, unchanged
		self.assertEqual(
			link_validation.validate_link("User", "Administrator"),
			frappe.client.validate_link("User", "Administrator"),
		)


class TestErrorAnswers(FrappeTestCase):
	@staticmethod
	def json_request(path: str, body: str):
		from werkzeug.wrappers import Request

		return Request.from_values(
			path=path, method="POST", data=body.encode(), content_type="application/json"
		)

	def test_frappe_still_fails_on_a_json_body_that_does_not_parse(self):
		import frappe.app

		form_dict = frappe.local.form_dict
		try:  # a Python error, hence HTTP 500, before the app's code runs
			self.assertRaises(ValueError, frappe.app.make_form_dict, self.json_request("/api/method/x", "{"))
		finally:
			frappe.local.form_dict = form_dict

	def test_the_answer_is_a_400_with_a_message(self):
		from werkzeug.wrappers import Response

		for body, unreadable in (("{", True), ("[" * 100_000, True), ('{"a": 1}', False), ("", False)):
			request = self.json_request("/api/method/itil_crm.service_desk.monitoring_events.receive", body)
			self.assertEqual(error_answers.unreadable_json_body(request), unreadable, body[:10])
		response = Response(
			'{"exc": "Traceback (most recent call last): ..."}', 500, mimetype="application/json"
		)
		error_answers.clean_error_answer(response, self.json_request("/api/resource/ToDo", "{x"))
		answer = json.loads(response.get_data())
		self.assertEqual((response.status_code, answer["exc_type"]), (400, "ValidationError"))
		self.assertIn("JSON", json.loads(json.loads(answer["_server_messages"])[0])["message"])
		self.assertNotIn("exc", answer)

	def test_the_apps_endpoints_are_recognised(self):
		def request(path, **form):
			from werkzeug.wrappers import Request

			frappe.local.form_dict = frappe._dict(form)
			return Request.from_values(path=path)

		form_dict = frappe.local.form_dict
		try:
			for path, form, ours in (
				("/api/method/itil_crm.change_enablement.authority.cast_vote", {}, True),
				("/api/resource/ITIL Incident/INC-1", {}, True),
				("/api/resource/ITIL%20Change", {}, True),
				("/api/v2/document/ITIL Problem/P-1", {}, True),
				("/api/method/frappe.client.get_list", {"doctype": "ITIL Incident"}, True),
				("/api/method/run_doc_method", {"dt": "ITIL Incident"}, True),
				("/api/method/frappe.desk.form.save.savedocs", {"doc": '{"doctype": "ITIL Change"}'}, True),
				("/api/method/frappe.client.get_list", {"doctype": "ToDo"}, False),
				("/api/resource/ToDo/x", {}, False),
				("/itil-incident", {}, False),
			):
				self.assertEqual(error_answers.app_endpoint(request(path, **form)), ours, path)
		finally:
			frappe.local.form_dict = form_dict

	def test_every_traceback_is_stripped_and_a_refusals_message_kept(self):
		trace = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: boom'
		messages = json.dumps([json.dumps({"message": "Refused."}), json.dumps({"message": trace})])
		for status, exception in ((403, "Refused."), (500, None)):
			body = {
				"exc": json.dumps([trace]),
				"_exc_source": "itil_crm (app)",
				"exception": "frappe.exceptions.PermissionError: Refused.",
				"exc_type": "PermissionError",
				"_server_messages": messages,
			}
			self.assertTrue(error_answers.strip_tracebacks(body, status))
			self.assertEqual(body.get("exception"), exception)
			self.assertNotIn("exc", body)
			self.assertNotIn("_exc_source", body)
			self.assertEqual(json.loads(body["_server_messages"]), [json.dumps({"message": "Refused."})])
		body = {"errors": [{"type": "ValidationError", "exception": trace, "message": "Bad."}]}
		self.assertTrue(error_answers.strip_tracebacks(body, 417))
		self.assertEqual(body, {"errors": [{"type": "ValidationError", "message": "Bad."}]})
		self.assertFalse(error_answers.strip_tracebacks({"exc_type": "ValidationError"}, 417))


class TestRequestValues(FrappeTestCase):
	def test_frappe_still_fails_on_wrong_types_with_database_or_python_errors(self):
		for values, error in (
			({"doctype": "ToDo", "description": "x", "date": "2026-13-45"}, frappe.db.OperationalError),
			# blanks in a date: only the empty text is stored as NULL
			({"doctype": "ToDo", "description": "x", "date": "\xa0"}, frappe.db.OperationalError),
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
			{"subject": "x", "opened_on": "\xa0"},
			{"subject": "x", "opened_on": "  "},
		):
			self.assertRaises(frappe.ValidationError, request_values.check_values, "ITIL Incident", values)
		request_values.check_values("ITIL Incident", {"subject": "fine", "opened_on": ""})
		for values in ({"priority_name": "x", "color": {}}, {"priority_name": "x", "rank": {"a": 1}}):
			self.assertRaises(frappe.ValidationError, request_values.check_values, "ITIL Priority", values)
		request_values.check_values("ITIL Incident", {"subject": "fine", "tier": 2})


@checked
def _needs_a_name(name: str) -> str:
	return name


@checked
def _takes_every_kind(
	name: str | None = None,
	count: int = 3,
	ticket: str | int | None = None,
	refresh: bool = False,
	filters: Filters | None = None,
	values: JSONObject | None = None,
	names: list[str] | str | None = None,
) -> dict:
	return {"name": name, "count": count, "ticket": ticket, "refresh": refresh, "filters": filters}


class _Calendar:
	@checked
	def import_holidays(self, year: int | None = None):
		return year


def _app_whitelisted() -> list:
	"""Every whitelisted function of the app (its modules imported first: Frappe lists what is imported)."""
	app = Path(frappe.get_app_path("itil_crm"))
	for path in app.rglob("*.py"):
		if "whitelist" in path.read_text() and not path.name.startswith("test_"):
			importlib.import_module("itil_crm." + ".".join(path.relative_to(app).with_suffix("").parts))
	return [fn for fn in frappe.whitelisted if fn.__module__.startswith("itil_crm.")]


class TestWhitelistedArguments(FrappeTestCase):
	def test_frappe_still_answers_a_missing_argument_with_a_python_error(self):
		with self.assertRaises(TypeError) as raised:
			frappe.call("frappe.desk.search.search_link")
		self.assertNotIsInstance(raised.exception, frappe.ValidationError)

	def test_frappe_still_fails_on_a_flag_or_json_or_filter_it_cannot_read(self):
		from frappe.desk.doctype.dashboard_chart.dashboard_chart import get as chart_data

		self.assertRaises(ValueError, chart_data, chart='{"a":')  # JSONDecodeError
		self.assertRaises(KeyError, frappe.client.get_count, "ToDo", [["name", "no such operator", 1]])

	def test_the_apps_methods_refuse_it_with_a_message(self):
		self.assertRaises(frappe.ValidationError, frappe.call, _needs_a_name)
		self.assertRaises(frappe.ValidationError, frappe.call, _needs_a_name, name="x" * 70_000)
		self.assertEqual(frappe.call(_needs_a_name, name="INC-1"), "INC-1")

	def test_each_kind_of_argument_is_checked_by_its_annotation(self):
		refused = [
			{"name": {"a": 1}},
			{"name": ["a"]},
			{"name": 7},
			{"name": True},
			{"count": "1.5"},
			{"count": 1.5},
			{"count": True},
			{"count": {"a": 1}},
			{"count": 2**70},
			{"ticket": ["a"]},
			{"ticket": 1.5},
			{"refresh": "yes"},
			{"refresh": 2},
			{"refresh": {"a": 1}},
			{"filters": '{"a":'},
			{"filters": "not json"},
			{"filters": 7},
			{"filters": '"text"'},
			{"values": "[1]"},
			{"values": ["a"]},
			{"names": '{"a": 1}'},
			{"names": "[1]"},
			{"names": [["a"]]},
			{"filters": "[" * 5_000 + "]" * 5_000},
		]
		for kwargs in refused:
			with self.subTest(kwargs=str(kwargs)[:80]):
				self.assertRaises(frappe.ValidationError, frappe.call, _takes_every_kind, **kwargs)

		# form posts send text: whole numbers, flags and JSON come parsed to the method
		got = frappe.call(
			_takes_every_kind, count=" 7 ", ticket=12, refresh="true", filters='{"status": "Open"}'
		)
		self.assertEqual(
			got, {"name": None, "count": 7, "ticket": 12, "refresh": True, "filters": {"status": "Open"}}
		)
		for value, expected in (
			(0, False),
			(1, True),
			("0", False),
			("1", True),
			("FALSE", False),
			(True, True),
		):
			self.assertIs(frappe.call(_takes_every_kind, refresh=value)["refresh"], expected)
		self.assertEqual(
			frappe.call(_takes_every_kind, filters=[["status", "=", "Open"]])["filters"][0][0], "status"
		)
		self.assertEqual(frappe.call(_takes_every_kind, count=7.0)["count"], 7)
		# absent, null or empty: the default; arguments the method does not take: dropped, as frappe.call does
		got = frappe.call(_takes_every_kind, name="", count=None, filters="null", refresh="", other={"a": 1})
		self.assertEqual(got, {"name": None, "count": 3, "ticket": None, "refresh": False, "filters": None})
		self.assertRaises(frappe.ValidationError, _takes_every_kind, "a", 1, None, False, None, None, None, 8)

	def test_a_doc_method_is_checked_the_same_way(self):
		calendar = _Calendar()
		self.assertEqual(calendar.import_holidays(year="2030"), 2030)
		self.assertEqual(calendar.import_holidays(), None)
		self.assertRaises(frappe.ValidationError, calendar.import_holidays, ["a"])  # run_doc_method's list
		self.assertRaises(frappe.ValidationError, calendar.import_holidays, year="next")

	def test_an_argument_without_a_kind_it_checks_is_refused_at_import(self):
		def untyped(value):
			pass

		def a_float(value: float):
			pass

		def a_list_of_numbers(value: list[int] | str):
			pass

		def a_record(value: Document):
			pass

		for method in (untyped, a_float, a_list_of_numbers, a_record):
			with self.subTest(method=method.__name__):
				self.assertRaises(TypeError, checked, method)

	def test_frappe_does_not_check_them_a_second_time(self):
		self.assertEqual(_takes_every_kind.__annotations__, {})
		self.assertEqual(frappe.call(_takes_every_kind, refresh="1")["refresh"], True)

	def test_every_whitelisted_method_of_the_app_checks_its_arguments(self):
		whitelisted = _app_whitelisted()
		self.assertGreater(len(whitelisted), 20)
		unchecked = [
			f"{fn.__module__}.{fn.__qualname__}" for fn in whitelisted if not hasattr(fn, "checked_arguments")
		]
		self.assertEqual(unchecked, [])

	def test_the_four_methods_that_answered_500(self):
		from itil_crm.customer_portal import incidents
		from itil_crm.service_desk.dashboard_chart_source.itil_backlog_by_age import itil_backlog_by_age

		for filters in ([["name", "no such operator", 1]], {"no_such_column": 1}, '{"a":'):
			self.assertRaises(
				frappe.ValidationError, frappe.call, count_and_search.get_count, "ITIL Incident", filters
			)
		self.assertRaises(
			frappe.ValidationError,
			frappe.call,
			count_and_search.get_count,
			"ToDo",
			[["name", "no such operator", 1]],
		)
		for service in ({"a": 1}, ["a"]):
			self.assertRaises(
				frappe.ValidationError,
				frappe.call,
				incidents.report_incident,
				subject="x",
				description="y",
				service=service,
			)
		for incident in ({"a": 1}, {"name": {"a": 1}}, [["no_such_column", "=", 1]], 1.5):
			self.assertRaises(
				frappe.ValidationError, frappe.call, incidents.add_reply, incident=incident, message="y"
			)
		chart_name = "ITIL Backlog By Age"
		get = itil_backlog_by_age.get
		for kwargs in (
			{"chart": '{"a":'},
			{"chart": "not json"},
			{"chart_name": chart_name, "refresh": "maybe"},
			{"chart_name": chart_name, "refresh": {"a": 1}},
			{"chart_name": chart_name, "no_cache": "x"},
		):
			with self.subTest(kwargs=kwargs):
				self.assertRaises(frappe.ValidationError, frappe.call, get, **kwargs)
		for kwargs in (
			{},
			{"chart_name": "no such chart"},
			{"chart": '{"a": 1}'},
			{"chart": {"name": "no such chart"}},
		):
			self.assertRaises(frappe.DoesNotExistError, frappe.call, get, **kwargs)
		if frappe.db.exists("Dashboard Chart", chart_name):
			data = frappe.call(get, chart_name=chart_name, refresh="true")
			self.assertEqual(len(data["labels"]), len(data["datasets"][0]["values"]))


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

	def test_the_guard_runs_after_frappes_authentication(self):
		# an auth hook: Frappe authenticates (session, API key, token), then asks it; before_request hooks
		# run before the API key is read, which made the guard authenticate every request a second time
		hooks = frappe.get_hooks("auth_hooks")
		self.assertIn("itil_crm.frappe_fixes.portal_requests.guard_request", hooks)
		self.assertNotIn(
			"itil_crm.frappe_fixes.portal_requests.guard_request", frappe.get_hooks("before_request")
		)


class FakeRequest:
	def __init__(self, method, path):
		self.method, self.path = method, path


class TestDeletes(FrappeTestCase):
	def test_frappe_still_locks_without_waiting_before_it_checks_the_permission(self):
		import inspect

		from frappe.model import delete_doc

		source = inspect.getsource(delete_doc.delete_doc)
		self.assertIn("wait=False", source)
		self.assertLess(source.index("wait=False"), source.rindex("check_permission_and_not_submitted"))

	def request(self, method, path, **form):
		frappe.local.request = FakeRequest(method, path)
		frappe.local.form_dict = frappe._dict(form)
		self.addCleanup(lambda: setattr(frappe.local, "request", None))

	def test_a_delete_of_an_itil_record_is_recognised_on_each_path(self):
		self.request("DELETE", "/api/resource/ITIL%20Incident/INC-1")
		self.assertEqual(deletes.deleted_record(), ("ITIL Incident", "INC-1"))
		self.request("DELETE", "/api/v1/resource/ITIL Incident/INC-1")
		self.assertEqual(deletes.deleted_record(), ("ITIL Incident", "INC-1"))
		self.request("POST", "/api/method/frappe.client.delete", doctype="ITIL Incident", name="INC-1")
		self.assertEqual(deletes.deleted_record(), ("ITIL Incident", "INC-1"))
		self.request("PUT", "/api/resource/ITIL Incident/INC-1")
		self.assertIsNone(deletes.deleted_record())

	def test_a_user_who_may_not_delete_is_refused_before_anything_is_locked(self):
		incident = make_incident()
		agent = user_with_roles("ITIL Service Desk Agent")
		self.request("DELETE", f"/api/resource/ITIL Incident/{incident.name}")
		for user in (agent, "Guest"):  # Guest too: Frappe would lock first for them as well
			with self.set_user(user):
				self.assertFalse(frappe.has_permission("ITIL Incident", "delete", incident.name))
				with self.assertRaises(frappe.PermissionError):
					deletes.wait_for_saves()

	def test_a_user_who_may_delete_holds_the_row_then_frappe_deletes_it(self):
		incident = make_incident()
		self.request("DELETE", f"/api/resource/ITIL Incident/{incident.name}")
		deletes.wait_for_saves()  # Administrator: the row is now this transaction's
		frappe.delete_doc("ITIL Incident", incident.name)  # Frappe's lock without waiting succeeds
		self.assertFalse(frappe.db.exists("ITIL Incident", incident.name))


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


class TestMutedMail(FrappeTestCase):
	def setUp(self):
		from frappe.email.doctype.email_account.email_account import EmailAccount

		if EmailAccount.find_one_by_filters(enable_outgoing=1, default_outgoing=1) or frappe.conf.get(
			"mail_server"
		):
			self.skipTest("the site has an outgoing account: Frappe makes no dummy")
		self.addCleanup(setattr, frappe.local, muted_mail.CACHE, getattr(frappe.local, muted_mail.CACHE, {}))
		setattr(frappe.local, muted_mail.CACHE, {})
		self.addCleanup(setattr, frappe.flags, "mute_emails", frappe.flags.mute_emails)

	def test_frappe_keeps_the_dummy_account_of_muted_mail_after_unmuting(self):
		from frappe.email.doctype.email_account.email_account import EmailAccount

		frappe.flags.mute_emails = True
		self.assertFalse(EmailAccount.find_outgoing().get("email_id"))  # the dummy
		frappe.flags.mute_emails = False
		self.assertFalse(EmailAccount.find_outgoing().get("email_id"))  # still the dummy: the hole

	def test_muted_mail_forgets_the_dummy(self):
		from frappe.email.doctype.email_account.email_account import EmailAccount

		with muted_mail.muted_mail():
			self.assertTrue(frappe.flags.mute_emails)
			self.assertFalse(EmailAccount.find_outgoing().get("email_id"))
		self.assertFalse(frappe.flags.mute_emails)
		self.assertFalse(EmailAccount.find_outgoing())  # no account: nothing is built on a dummy
