"""Frappe 15 hole: a value that parses as JSON is saved without HTML sanitizing.

Frappe sanitizes the HTML of every field on save, except a value that parses as JSON: a subject typed
as ``"<img src=x onerror=...>"`` (quotes included) reaches the database raw, and from there the desk's
list, report, Kanban and Gantt views, the timeline, the print formats and the portal, which show such
fields as HTML. The app's records (their controllers derive from :class:`SanitizedDocument`) and the
Communications on them (a ``before_validate`` doc event) get the sanitizing Frappe skipped, with the same
exceptions as Frappe's own; other apps' records are left alone. Test that fails once Frappe closes it:
frappe_fixes/test_frappe_fixes.py.
"""

import json

from frappe.model.document import Document
from frappe.utils.html_utils import sanitize_html

# fields Frappe does not sanitize either (their value is not HTML shown as such)
UNSANITIZED = (
	"Attach",
	"Attach Image",
	"Barcode",
	"Code",
	"HTML Editor",
	"JSON",
	"Markdown Editor",
	"Password",
)


def _parses_as_json(value: str) -> bool:
	try:
		json.loads(value)
	except ValueError:
		return False
	return True


class SanitizedDocument(Document):
	"""The base of the app's controllers: their text is sanitized even when it parses as JSON. A controller
	with its own ``before_validate`` calls this one first."""

	def before_validate(self):
		json_text(self)


def on_communication(doc, method=None) -> None:
	"""Communication before_validate: a mail or reply on one of the app's records."""
	if (doc.get("reference_doctype") or "").startswith("ITIL "):
		json_text(doc)


def json_text(doc) -> None:
	"""Sanitize the JSON-looking values of a record and its rows that Frappe's sanitizer lets through."""
	for row in [doc, *doc.get_all_children()]:
		for df in row.meta.fields:
			value = row.get(df.fieldname)
			if not isinstance(value, str) or ("<" not in value and ">" not in value):
				continue
			if df.fieldtype in UNSANITIZED or df.get("ignore_xss_filter") or df.get("options") == "Email":
				continue
			if _parses_as_json(value):
				row.set(
					df.fieldname,
					sanitize_html(value, linkify=df.fieldtype == "Text Editor", always_sanitize=True),
				)
