"""Text typed into the app's records is sanitized on save even when it parses as JSON.

Frappe sanitizes the HTML of every field on save, except a value that parses as JSON: a subject typed
as ``"<img src=x onerror=...>"`` (quotes included) reaches the database raw, and from there the desk's
list, report, Kanban and Gantt views, the timeline, the print formats and the portal, which show such
fields as HTML. Here (before_validate of every ITIL doctype, and of the Communications on them) those
values get the sanitizing Frappe skipped, with the same exceptions as Frappe's own.
"""

import json

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


def _ours(doc) -> bool:
	if doc.doctype.startswith("ITIL "):
		return True
	return doc.doctype == "Communication" and (doc.get("reference_doctype") or "").startswith("ITIL ")


def json_text(doc, method=None) -> None:
	"""before_validate: sanitize the JSON-looking values Frappe's sanitizer lets through."""
	if not _ours(doc):
		return
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
