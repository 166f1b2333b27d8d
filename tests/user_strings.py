"""Every string of the app that a user can see, read from its files without frappe.

The sources are the ones Frappe's translator reads (frappe.translate.get_messages_for_app): doctype
JSON (the doctype's name, labels, descriptions, Select options), the `_()` calls of Python and
Jinja files, the `__()` calls of JavaScript, and the names and labels of the desk records the app
ships (workspace, reports, number cards, charts, print formats, onboarding). A string built at run
time (an f-string, a variable) cannot be translated by Frappe either, so it is not collected.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "itil_crm"
FR = APP / "translations" / "fr.csv"

# `__("...")` / `_("...")` in JS and Jinja: a literal in either quote, no concatenation
_JS_CALL = re.compile(r"""(?<![\w.])__\(\s*(?P<q>["'`])(?P<s>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*[,)]""", re.S)
_JINJA_CALL = re.compile(r"""(?<![\w.])_\(\s*(?P<q>["'])(?P<s>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*[,)]""", re.S)
# Layout fields have labels too; fields with these types have no visible label of their own
_NO_LABEL = {"Column Break"}
# Strings that are not words: numbers, codes, punctuation
_NOT_WORDS = re.compile(r"^[\W\d_]*$|^P\d$|^L\d$")
# Field options that are data, not vocabulary (time zones, cron), never translated by Frappe either
_DATA_SELECTS = {("ITIL Service Calendar", "time_zone")}


def _unescape(s: str) -> str:
	return re.sub(r"\\(.)", r"\1", s)


def _rel(path: Path) -> str:
	return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _add(found: dict[str, set[str]], text: str | None, where: str) -> None:
	if not isinstance(text, str):
		return
	text = text.strip()
	if not text or _NOT_WORDS.match(text) or "{{" in text:
		return
	found.setdefault(text, set()).add(where)


def _doctype_strings(found, path: Path) -> None:
	doc = json.loads(path.read_text(encoding="utf-8"))
	rel = _rel(path)
	_add(found, doc.get("name"), rel)
	_add(found, doc.get("description"), rel)
	for f in doc.get("fields", []):
		if f.get("fieldtype") not in _NO_LABEL:
			_add(found, f.get("label"), f"{rel}:{f.get('fieldname')}")
		_add(found, f.get("description"), f"{rel}:{f.get('fieldname')}")
		data = (doc.get("name"), f.get("fieldname")) in _DATA_SELECTS or f.get("fieldname") == "naming_series"
		if f.get("fieldtype") == "Select" and not data:
			for option in (f.get("options") or "").split("\n"):
				_add(found, option, f"{rel}:{f.get('fieldname')}")
	for action in doc.get("actions", []):
		_add(found, action.get("label"), rel)
	for link in doc.get("links", []):
		_add(found, link.get("group"), rel)


def _desk_record_strings(found, path: Path, doc: dict) -> None:
	rel = _rel(path)
	kind = doc.get("doctype")
	if kind == "Workspace":
		_add(found, doc.get("label") or doc.get("name"), rel)
		for key in ("links", "shortcuts", "number_cards", "charts", "quick_lists", "custom_blocks"):
			for row in doc.get(key, []):
				_add(found, row.get("label"), rel)
		for block in json.loads(doc.get("content") or "[]"):
			text = (block.get("data") or {}).get("text")
			if text:
				_add(found, re.sub(r"<[^>]+>", "", text), rel)
	elif kind == "Report":
		_add(found, doc.get("report_name") or doc.get("name"), rel)
		for col in doc.get("columns", []):
			_add(found, col.get("label"), rel)
	elif kind in ("Number Card", "Dashboard Chart"):
		_add(found, doc.get("label") or doc.get("chart_name") or doc.get("name"), rel)
	elif kind == "Module Onboarding":
		for key in ("title", "subtitle", "success_message"):
			_add(found, doc.get(key), rel)
	elif kind == "Onboarding Step":
		for key in ("title", "action_label"):
			_add(found, doc.get(key), rel)
	elif kind == "Print Format":
		_add(found, doc.get("name"), rel)
		for m in _JINJA_CALL.finditer(doc.get("html") or ""):
			_add(found, _unescape(m.group("s")), rel)


def _python_strings(found, path: Path) -> None:
	rel = _rel(path)
	tree = ast.parse(path.read_text(encoding="utf-8"))
	for node in ast.walk(tree):
		if (
			isinstance(node, ast.Call)
			and isinstance(node.func, ast.Name)
			and node.func.id == "_"
			and node.args
			and isinstance(node.args[0], ast.Constant)
			and isinstance(node.args[0].value, str)
		):
			_add(found, node.args[0].value, f"{rel}:{node.lineno}")


def _source_strings(found, path: Path, pattern: re.Pattern) -> None:
	rel = _rel(path)
	text = path.read_text(encoding="utf-8")
	for m in pattern.finditer(text):
		line = text.count("\n", 0, m.start()) + 1
		_add(found, _unescape(m.group("s")), f"{rel}:{line}")


def user_strings(app: Path = APP) -> dict[str, set[str]]:
	"""Every user-visible source string of the app -> where it appears."""
	found: dict[str, set[str]] = {}
	for path in sorted(app.rglob("*")):
		if not path.is_file() or "node_modules" in path.parts or "translations" in path.parts:
			continue
		if path.suffix == ".json":
			doc = json.loads(path.read_text(encoding="utf-8"))
			if not isinstance(doc, dict):
				continue
			if doc.get("doctype") == "DocType" and path.parent.name == path.stem:
				_doctype_strings(found, path)
			else:
				_desk_record_strings(found, path, doc)
		elif path.suffix == ".py":
			_python_strings(found, path)
		elif path.suffix == ".js":
			_source_strings(found, path, _JS_CALL)
		elif path.suffix in (".html", ".jinja", ".md"):
			_source_strings(found, path, _JINJA_CALL)
	return found


def french() -> dict[str, str]:
	return {row[0]: row[1] for row in csv.reader(FR.open(encoding="utf-8")) if row}


def missing_french(app: Path = APP) -> dict[str, set[str]]:
	known = french()
	return {s: w for s, w in user_strings(app).items() if s not in known}


def load_doctype_names_translated(app: Path = APP) -> set[str]:
	"""The app's doctypes whose Link values the desk shows translated (DocType.translated_doctype)."""
	found = set()
	for path in app.glob("*/doctype/*/*.json"):
		doc = json.loads(path.read_text(encoding="utf-8"))
		if doc.get("doctype") == "DocType" and doc.get("translated_doctype"):
			found.add(doc["name"])
	return found
