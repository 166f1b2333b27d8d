"""The app's fixes for Frappe 15 holes: what Frappe gets wrong or leaves open (a permission it does not check,
a value it does not sanitize, an argument it does not validate, a desk script that renders text as HTML),
closed for the app's records. Each file names the hole it closes, in its docstring or header comment,
and its test: the ``test_frappe_still_...`` tests of test_frappe_fixes.py show the hole on Frappe's own
doctypes and fail on the day Frappe closes it, when that fix can go.

This is the only folder of the app that may use Frappe's private names (attributes and imports starting
with "_", the internals of Frappe's Document a controller would replace): they change without notice
between versions. Each use is listed below, per file; tests/test_frappe_conventions.py fails on any
other use, anywhere in the app, and on a listed name no longer used.
"""

# file of this folder (relative to itil_crm) -> the private Frappe names it uses
PRIVATE_FRAPPE_NAMES: dict[str, set[str]] = {}
