"""Frappe 15 hole: a value of the wrong type sent for a record (an object where a text is expected, a text in
a number field, an impossible date, a text longer than its column) reaches the database or Python as it
is, and the caller gets HTTP 500 with a traceback. For the app's records, the values are checked against
their fields before Frappe builds the record, and refused with a message naming the field (HTTP 417).
Test that fails once Frappe closes it: frappe_fixes/test_frappe_fixes.py.
"""

import math
from urllib.parse import unquote

import frappe
import frappe.utils
from frappe import _

from itil_crm.frappe_fixes.count_and_search import ours

SAVE_METHODS = {  # each sends the record as its argument "doc"
	"/api/method/frappe.client.insert",
	"/api/method/frappe.client.save",
	"/api/method/frappe.desk.form.save.savedocs",
}
TEXT_TYPES = {"Small Text", "Text", "Text Editor", "Code", "HTML Editor", "Markdown Editor", "Comment"}
NUMBER_TYPES = {"Float", "Currency", "Percent", "Duration"}
WHOLE_TYPES = {"Int", "Check"}
STRING_TYPES = {
	"Data",
	"Link",
	"Dynamic Link",
	"Select",
	"Autocomplete",
	"Phone",
	"Password",
	"Long Text",
	"Read Only",
	"Color",
	"Icon",
	"Barcode",
	"Signature",
	"Attach",
	"Attach Image",
	*TEXT_TYPES,
}
DATE_TYPES = {"Date": "getdate", "Datetime": "get_datetime", "Time": "get_time"}
MAX_NUMBER = 10**12  # a Float / Currency column (decimal 21,9)
MAX_INT = 2**31 - 1


def check_request_values() -> None:
	"""before_request: a record of the app sent to the REST API (/api/resource), frappe.client.insert / save
	or the desk's save has its values checked against its fields' types before Frappe builds it. A value
	of the wrong type, out of the column's range, an impossible date or a text longer than its column is
	refused with a message naming the field (HTTP 417); without this Frappe answers some of them with a
	database or Python error (HTTP 500)."""
	request = getattr(frappe.local, "request", None)
	if request is None or request.method not in ("POST", "PUT"):
		return
	path = request.path
	if path.startswith("/api/resource/") or path.startswith("/api/v1/resource/"):
		parts = path.split("/")
		doctype = unquote(parts[4] if parts[2] == "v1" else parts[3]) if len(parts) > 3 else ""
		if not ours(doctype):
			return
		data = frappe.form_dict.get("data")
		try:
			values = frappe.parse_json(data if data is not None else frappe.safe_decode(request.get_data()))
		except Exception:
			frappe.throw(_("The request body is not a JSON object."), frappe.ValidationError)
		check_values(doctype, values)
	elif path in SAVE_METHODS:
		doc = frappe.form_dict.get("doc")
		try:
			doc = frappe.parse_json(doc) if isinstance(doc, str) else doc
		except Exception:
			frappe.throw(_("The document sent is not a JSON object."), frappe.ValidationError)
		if isinstance(doc, dict) and isinstance(doc.get("doctype"), str) and ours(doc["doctype"]):
			check_values(doc["doctype"], doc)


def check_values(doctype: str, values) -> None:
	if not isinstance(values, dict):
		frappe.throw(_("The values of {0} must be a JSON object.").format(_(doctype)), frappe.ValidationError)
	meta = frappe.get_meta(doctype)
	for fieldname, value in values.items():
		df = meta.get_field(fieldname) if isinstance(fieldname, str) else None
		if df is None or value is None:
			continue
		problem = field_problem(df, value)
		if problem:
			frappe.throw(
				_("{0}: {1} {2}").format(_(doctype), _(df.label or df.fieldname), problem),
				frappe.ValidationError,
			)


def field_problem(df, value) -> str | None:
	"""What is wrong with this value for this field, in words, or None."""
	kind = df.fieldtype
	if kind in ("Table", "Table MultiSelect"):
		if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
			return _("must be a list of rows.")
		for row in value:
			check_values(df.options, row)
		return None
	if kind in WHOLE_TYPES:
		if isinstance(value, bool):
			return None
		try:
			number = int(value) if not isinstance(value, float) or value.is_integer() else None
		except (TypeError, ValueError):
			number = None
		if number is None or isinstance(value, list | dict):
			return _("must be a whole number.")
		if abs(number) > MAX_INT or (kind == "Check" and number not in (0, 1)):
			return _("is out of range.")
		return None
	if kind in NUMBER_TYPES:
		try:
			number = float(value)
		except (TypeError, ValueError):
			return _("must be a number.")
		if isinstance(value, list | dict | bool) or not math.isfinite(number):
			return _("must be a number.")
		if abs(number) >= MAX_NUMBER:
			return _("is out of range.")
		return None
	if kind in DATE_TYPES:
		if not isinstance(value, str):
			return _("must be a date.")
		if value == "":
			return None  # Frappe stores an empty date as NULL, and only the empty text
		if not value.strip():
			return _("is not a valid date or time.")  # blanks (a no-break space) reach MariaDB as they are
		try:
			parsed = getattr(frappe.utils, DATE_TYPES[kind])(value)
		except Exception:
			return _("is not a valid date or time.")
		if kind != "Time" and not (1000 <= parsed.year <= 9999):
			return _("is out of range.")
		return None
	if kind not in STRING_TYPES:
		return None
	if not isinstance(value, str):
		return _("must be text.")
	text = str(value)
	if kind == "Select" and text and df.options and text not in df.options.split("\n"):
		return _("must be one of: {0}.").format(", ".join(o for o in df.options.split("\n") if o))
	limit = 65_535 if kind in TEXT_TYPES else (4_000_000_000 if kind == "Long Text" else (df.length or 140))
	if len(text.encode()) > limit:
		return _("is too long ({0} characters at most).").format(limit)
	return None
