"""Counts and aggregates of the app's records as the user may see them, built with frappe.qb.

Frappe 16 builds ``get_list`` / ``get_all`` through its query builder and no longer takes SQL functions
as field strings (``"count(*) as n"``). The app's aggregates (workspace numbers and charts, reports, the
``get_count`` guard) are written with frappe.qb instead, and restricted to what the user may read with
Frappe's public match conditions (``frappe.desk.reportview.build_match_conditions``: role and user
permissions, owner rules, and the permission query hooks such as the customer portal's), as ERPNext's
reports are.
"""

import frappe
from frappe import _
from frappe.desk.reportview import build_match_conditions
from frappe.query_builder.functions import Count
from pypika.terms import Criterion, Function, LiteralValue


class MatchConditions(Criterion):
	"""The SQL condition Frappe's permission engine returns for a doctype and user, as a query-builder term."""

	def __init__(self, sql: str):
		super().__init__()
		self.sql = sql

	def get_sql(self, **kwargs) -> str:
		return f"({self.sql})"


def permitted(query, doctype: str, user: str | None = None):
	"""``query`` (over ``doctype``'s table) restricted to the records the user may read. A user without
	read permission on the doctype is refused (PermissionError), whatever was shared with them."""
	user = user or frappe.session.user
	if not (
		frappe.has_permission(doctype, "read", user=user)
		or frappe.has_permission(doctype, "select", user=user)
	):
		frappe.throw(_("No permission to read {0}").format(_(doctype)), frappe.PermissionError)
	conditions = build_match_conditions(doctype, user=user)
	return query.where(MatchConditions(conditions)) if conditions else query


def permitted_count(doctype: str, filters=None, user: str | None = None) -> int:
	"""How many records of ``doctype`` match ``filters`` (Frappe's filter syntax) among those the user may
	read."""
	query = frappe.qb.get_query(doctype, fields=[Count("*").as_("n")], filters=filters, validate_filters=True)
	return permitted(query, doctype, user).run()[0][0] or 0


def seconds_between(start, end) -> Function:
	"""``TIMESTAMPDIFF(SECOND, start, end)``: the whole seconds from one datetime term to another (NULL when
	either is), as the reports' durations are measured."""
	return Function("TIMESTAMPDIFF", LiteralValue("SECOND"), start, end)
