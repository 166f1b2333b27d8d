"""Incident numbers: Frappe's naming series, its counter advanced in one statement.

Frappe reads the counter of a series (``select ... for update``) and then updates it: two round trips
on every new incident. Here the counter row is created at 1 or incremented by one upsert, which also
hands back the new value (``last_insert_id(expr)`` makes it the statement's insert id). Same table
(``tabSeries``), same prefixes and padding, same row lock until the transaction ends, so names follow on
from (and stay in step with) Frappe's own naming, the Document Naming Settings and Document Naming Rules.
"""

import frappe
from frappe.model.naming import NamingSeries, get_default_naming_series, parse_naming_series


def name_incident(doc) -> None:
	"""The incident's ``autoname``: leaves the name unset (Frappe's naming then applies, and says what is
	missing) outside MariaDB or without a naming series."""
	if frappe.db.db_type != "mariadb":
		return
	doc.naming_series = doc.naming_series or get_default_naming_series(doc.doctype)
	if not doc.naming_series:
		return
	series = NamingSeries(doc.naming_series + ".#####")  # as Frappe's set_name_by_naming_series
	series.validate()
	doc.name = parse_naming_series(series.series, doc=doc, number_generator=next_number)


def next_number(prefix: str, digits: int) -> str:
	"""The next value of a series counter, zero-padded: Frappe's ``getseries`` in one statement."""
	frappe.db.sql(
		"""insert into `tabSeries` (`name`, `current`) values (%s, 1)
		on duplicate key update `current` = last_insert_id(ifnull(`current`, 0) + 1)""",
		(prefix,),
	)
	current = frappe.db._cursor.lastrowid or 1  # 0 when the row was just created at 1
	return ("%0" + str(digits) + "d") % current
