"""Frappe 15 hole: a whitelisted method called without one of its arguments, or with a text far longer than
any column, fails inside the method as a Python or database error: the caller gets HTTP 500 and a
traceback instead of a message. (Frappe 15 checks the *types* of annotated arguments, not their presence,
and not their length.) ``@checked`` under ``@frappe.whitelist()`` refuses them first, with a message (HTTP
417). Test: frappe_fixes/test_frappe_fixes.py::test_a_missing_argument_is_still_a_type_error_in_frappe.
"""

import functools
import inspect
import typing

import frappe
from frappe import _

MAX_TEXT = 65_535  # a Text column; names are much shorter and simply not found


def checked(fn):
	"""Under @frappe.whitelist: the method's arguments are checked before it runs. A missing argument, a
	value of the wrong type (text, whole number) or an over-long text is refused with a message
	(ValidationError, HTTP 417) instead of failing inside as a Python error (HTTP 500)."""
	signature = inspect.signature(fn)
	hints = typing.get_type_hints(fn)
	params = [
		p for p in signature.parameters.values() if p.name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD
	]

	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		given = dict(zip([p.name for p in signature.parameters.values()], args)) | kwargs
		for param in params:
			value = given.get(param.name)
			if value is None or value == "":
				if param.default is param.empty:
					frappe.throw(_("{0} is missing.").format(param.name), frappe.ValidationError)
				continue
			kinds = set(typing.get_args(hints.get(param.name)) or [hints.get(param.name)]) - {type(None)}
			if kinds == {int} and not isinstance(value, int):
				try:
					kwargs[param.name] = value = int(str(value).strip())
				except ValueError:
					frappe.throw(_("{0} must be a whole number.").format(param.name), frappe.ValidationError)
			elif kinds == {str} and not isinstance(value, str):
				frappe.throw(_("{0} must be text.").format(param.name), frappe.ValidationError)
			if isinstance(value, str) and len(value) > MAX_TEXT:
				frappe.throw(_("{0} is too long.").format(param.name), frappe.ValidationError)
		return fn(*args, **kwargs)

	return wrapper
