"""Two Frappe 15 holes in its error answers, closed for the app's endpoints.

- A body sent as JSON (``Content-Type: application/json``) that does not parse fails in Frappe's request
  parser (``frappe.app.make_form_dict``, before authentication and before any hook of the app runs): the
  caller gets HTTP 500 and, while tracebacks are allowed, the traceback. Such an answer becomes a 400 with a
  message, on every path (the parser has not read the path yet: it is the request that is wrong).
- While *System Settings > Allow Error Traceback* is ticked (its default), every error answer carries the
  server's traceback: ``exc`` (every frame), ``exception`` (its last line), ``_exc_source``, and the desk's
  error page shows it. For the app's endpoints (its whitelisted methods, ``/api/resource`` and
  ``/api/v2/document`` on its doctypes, Frappe's methods called on its doctypes) nobody but Administrator
  gets them: the traceback is turned off for the request once Frappe knows its user (``auth_hooks``), and
  what was answered before that (an authentication error) is stripped from the answer (``after_request``).
  The error itself is still logged (Error Log) as Frappe does.

Tests that fail once Frappe closes them: frappe_fixes/test_frappe_fixes.py::TestErrorAnswers; over HTTP:
http_tests/test_error_answers.py.
"""

import json
from urllib.parse import unquote

import frappe
from frappe import _

from itil_crm.frappe_fixes.count_and_search import ours

TRACEBACK = "Traceback (most recent call last)"
TRACEBACK_KEYS = ("exc", "_exc_source")
METHOD_PREFIXES = ("/api/method/", "/api/v1/method/", "/api/v2/method/")
RECORD_PREFIXES = ("/api/resource/", "/api/v1/resource/", "/api/v2/document/", "/api/v2/doctype/")
DOCTYPE_ARGUMENTS = ("doctype", "reference_doctype", "dt", "parenttype")


def app_endpoint(request=None) -> bool:
	"""Does this request reach the app: one of its methods, a record of its doctypes, or one of Frappe's
	methods called on its doctypes (frappe.client, the report view, the desk's form and save)."""
	request = request or getattr(frappe.local, "request", None)
	if request is None:
		return False
	path = request.path
	record = next((path[len(p) :] for p in RECORD_PREFIXES if path.startswith(p)), None)
	if record is not None:
		return ours(unquote(record.split("/")[0]))
	method = next((path[len(p) :] for p in METHOD_PREFIXES if path.startswith(p)), None)
	if method is None:
		return False
	if method.startswith("itil_crm.") or ours(unquote(method.split("/")[0])):  # v2: <doctype>/<method>
		return True
	form = getattr(frappe.local, "form_dict", None) or {}
	if any(ours(form.get(key)) for key in DOCTYPE_ARGUMENTS):
		return True
	doc = form.get("doc") or form.get("docs")
	if isinstance(doc, str) and '"doctype"' in doc:
		try:
			doc = json.loads(doc)
		except ValueError:
			return False
	return isinstance(doc, dict) and ours(doc.get("doctype"))


def shows_tracebacks(user: str | None = None) -> bool:
	return (user or frappe.session.user) == "Administrator"


def no_traceback_for_the_apps_endpoints() -> None:
	"""auth_hooks: the request's user is known; for the app's endpoints only Administrator gets a
	traceback (Frappe's own switch for the request, which also covers its HTML error page)."""
	if not shows_tracebacks() and app_endpoint():
		frappe.local.flags.disable_traceback = True


def clean_error_answer(response=None, request=None) -> None:
	"""after_request: a body that was sent as JSON and does not parse is answered 400 (not 500); an error
	answer of the app's endpoints to anyone but Administrator loses its traceback."""
	if response is None or response.status_code < 400 or request is None:
		return
	if response.status_code >= 500 and unreadable_json_body(request):
		answer_bad_body(response)
		return
	if shows_tracebacks(getattr(getattr(frappe.local, "session", None), "user", None) or "Guest"):
		return
	if not (response.mimetype == "application/json" and app_endpoint(request)):
		return
	try:
		body = json.loads(response.get_data(as_text=True))
	except ValueError:
		return
	if isinstance(body, dict) and strip_tracebacks(body, response.status_code):
		response.set_data(json.dumps(body))


def strip_tracebacks(body: dict, status: int) -> bool:
	"""Remove every traceback from an error answer (Frappe's v1 and v2 shapes); True if it changed."""
	changed = False
	for key in TRACEBACK_KEYS:
		changed |= body.pop(key, None) is not None
	if "exception" in body:
		# the traceback's last line: "module.Class: message"; the message is kept for a refusal (4xx)
		last = str(body.pop("exception"))
		changed = True
		if status < 500 and ": " in last and TRACEBACK not in last:
			body["exception"] = last.split(": ", 1)[1]
	if body.get("_server_messages"):
		try:
			messages = json.loads(body["_server_messages"])
		except (TypeError, ValueError):
			messages = []
		kept = [m for m in messages if TRACEBACK not in str(m)]
		if len(kept) != len(messages):
			body["_server_messages"] = json.dumps(kept)
			changed = True
	for error in body.get("errors") or []:
		if isinstance(error, dict):
			changed |= error.pop("exception", None) is not None
	return changed


def unreadable_json_body(request) -> bool:
	"""The request declares a JSON body that does not parse (what fails in Frappe's make_form_dict)."""
	if not request.is_json:
		return False
	data = request.get_data(as_text=True)
	if not data:
		return False
	try:
		json.loads(data)
	except (ValueError, RecursionError):
		return True
	return False


def answer_bad_body(response) -> None:
	message = _("The request body is not valid JSON.")
	response.status_code = 400
	response.mimetype = "application/json"
	response.set_data(
		json.dumps(
			{
				"exc_type": "ValidationError",
				"_server_messages": json.dumps([json.dumps({"message": message, "indicator": "red"})]),
			}
		)
	)
