"""Frappe 15 hole: a whitelisted method gets its arguments as the request sent them: text from a form, any
JSON value (object, list, number, true, null) from a JSON body. Frappe checks neither that a required one
is there, nor a text's length, JSON text or a flag, and annotated types only within a request: a wrong value
fails inside the method as a Python or database error, HTTP 500 and a traceback.

``@checked`` under ``@frappe.whitelist()`` checks each argument by the method's annotation before it runs,
and refuses with a message (ValidationError, HTTP 417):

- ``str``: text (a name, a word), not an object, list, number or flag; ``int``: a whole number, or text
  that is one; ``str | int``: either; ``bool``: true / false, 1 / 0, "true" / "false", "1" / "0".
- ``JSONObject``, ``JSONList``, ``Filters`` (``dict | str``, ``list | str``, ``dict | list | str``): the
  object or list, or text that parses as one (the method gets it parsed); ``list[str]``: of texts.
- absent, null or empty: refused without a default, else the default; any text over 65,535 characters.

Frappe's own check is skipped (the annotations are hidden from it): one check, the same in a request, a job
or a test. Test: frappe_fixes/test_frappe_fixes.py::TestWhitelistedArguments.
"""

import functools
import inspect
import types
import typing

import frappe
from frappe import _

MAX_TEXT = 65_535  # a Text column; names are much shorter and simply not found
JSONObject = dict | str
JSONList = list | str
Filters = dict | list | str
TRUE, FALSE = {"1", "true"}, {"0", "false"}


def checked(fn):
	"""Under @frappe.whitelist: the method's arguments are checked (see the module) before it runs. Every
	parameter must be annotated with one of the kinds above: anything else is a TypeError at import."""
	signature = inspect.signature(fn)
	hints = typing.get_type_hints(fn)
	names = list(signature.parameters)
	var_keyword = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
	rules = {}
	for param in signature.parameters.values():
		if param.kind in (param.POSITIONAL_ONLY, param.VAR_POSITIONAL):
			raise TypeError(f"@checked {fn.__qualname__}: {param.name} must be passable by name")
		if param.kind is not param.VAR_KEYWORD and not (param.name == "self" and names[0] == "self"):
			rules[param.name] = (_rule(fn, param.name, hints.get(param.name)), param.default)

	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		if len(args) > len(names) - var_keyword:
			frappe.throw(_("Too many arguments."), frappe.ValidationError)
		values = dict(zip(names, args))
		extra = {}
		for key, value in kwargs.items():
			if key in rules and key not in values:
				values[key] = value
			elif var_keyword and key not in names:
				extra[key] = value
			# else dropped, as frappe.call drops the arguments a method does not take
		for name, (rule, default) in rules.items():
			if name in values:
				values[name] = rule(name, values[name], default)
			elif default is inspect.Parameter.empty:
				frappe.throw(_("{0} is missing.").format(name), frappe.ValidationError)
		return fn(**values, **extra)

	wrapper.__annotations__ = {}  # Frappe's own check (frappe.utils.typing_validations) skips the method
	wrapper.checked_arguments = {name: rule.__name__ for name, (rule, _default) in rules.items()}
	return wrapper


def _rule(fn, name: str, hint):
	"""The check of one parameter: a function (name, value, default) -> the value the method gets."""
	is_union = typing.get_origin(hint) in (typing.Union, types.UnionType)
	members = set(typing.get_args(hint)) if is_union else {hint}
	members.discard(type(None))
	kinds = {typing.get_origin(m) or m for m in members}
	if kinds & {dict, list} and kinds <= {dict, list, str}:
		items = {a for m in members if typing.get_origin(m) is list for a in typing.get_args(m)}
		return _json_rule(kinds & {dict, list}, items.pop() if items else None)
	rule = {
		frozenset({str}): text,
		frozenset({int}): whole_number,
		frozenset({bool}): flag,
		frozenset({str, int}): text_or_whole_number,
	}.get(frozenset(kinds))
	if rule is None:
		raise TypeError(f"@checked {fn.__qualname__}: annotate {name} with a kind it checks, not {hint}")
	return _with_presence(rule)


def _with_presence(rule):
	@functools.wraps(rule)
	def check(name, value, default):
		if value is None or value == "":
			return _absent(name, default)
		if isinstance(value, str) and len(value) > MAX_TEXT:
			frappe.throw(_("{0} is too long.").format(name), frappe.ValidationError)
		return rule(name, value)

	return check


def _absent(name, default):
	if default is inspect.Parameter.empty:
		frappe.throw(_("{0} is missing.").format(name), frappe.ValidationError)
	return default


def text(name, value):
	if not isinstance(value, str):
		frappe.throw(_("{0} must be text.").format(name), frappe.ValidationError)
	return value


def whole_number(name, value):
	if isinstance(value, float) and value.is_integer():
		value = int(value)
	if isinstance(value, str):
		try:
			value = int(value.strip())
		except ValueError:
			pass
	if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2**63:
		frappe.throw(_("{0} must be a whole number.").format(name), frappe.ValidationError)
	return value


def text_or_whole_number(name, value):
	if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
		return value
	frappe.throw(_("{0} must be text or a whole number.").format(name), frappe.ValidationError)


def flag(name, value):
	if isinstance(value, bool):
		return value
	if isinstance(value, int) and value in (0, 1):
		return bool(value)
	word = value.strip().lower() if isinstance(value, str) else None
	if word not in TRUE | FALSE:
		frappe.throw(_("{0} must be true or false (1 or 0).").format(name), frappe.ValidationError)
	return word in TRUE


def _json_rule(shapes: set, item):
	if item not in (None, str):
		raise TypeError(f"@checked: a JSON list of {item} cannot be checked, only of texts (list[str])")

	def refuse(name):
		if shapes == {dict}:
			frappe.throw(_("{0} must be a JSON object.").format(name), frappe.ValidationError)
		if shapes == {list}:
			frappe.throw(_("{0} must be a JSON list.").format(name), frappe.ValidationError)
		frappe.throw(_("{0} must be a JSON object or list.").format(name), frappe.ValidationError)

	def json_value(name, value, default):
		if isinstance(value, str):
			if len(value) > MAX_TEXT:
				frappe.throw(_("{0} is too long.").format(name), frappe.ValidationError)
			try:
				value = frappe.parse_json(value) if value.strip() else None
			except (ValueError, RecursionError):  # RecursionError: nested too deep
				refuse(name)
		if value is None:
			return _absent(name, default)
		if not isinstance(value, tuple(shapes)):
			refuse(name)
		if isinstance(value, dict):
			return frappe._dict(value)
		if item is str and not all(isinstance(v, str) for v in value):
			frappe.throw(_("{0} must be a list of texts.").format(name), frappe.ValidationError)
		return value

	return json_value
