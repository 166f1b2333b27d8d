"""Incident numbers without a queue: ``INC-<year>-<number>``, the number taken from a database sequence
(Frappe's own sequence API, the one its autoincrement doctypes use) instead of the naming series' row in
``tabSeries``.

That row is locked from the moment a new incident is named until its request commits (its assignment, its
history, its timeline): every create waited for every other create in flight. Under 50 agents the creates
spent 38 s of each minute queued on it (docs/performance.md). A sequence hands out the next number
without a lock held to the end of the transaction; a create that is rolled back leaves a gap in the
numbers, as ServiceNow's do.

One sequence per year, made ahead of time (install, migrate and a daily job: the current and the next
year), starting after the last number the naming series gave that year. A year without its sequence falls
back to Frappe's naming series; so does an incident given another series, and a Document Naming Rule
still comes first (Frappe asks it before the controller). Numbers the naming series gave after the
sequence was made (a worker still running the previous version during an upgrade) are caught up: a name
already taken moves the sequence past the highest number of its year, once.
"""

import frappe
from frappe.database.sequence import create_sequence, get_next_val, set_next_val

SERIES = "INC-.YYYY.-"
DIGITS = 5
CACHE_KEY = "itil_incident_number_sequences"


def prefix(year: int) -> str:
	return f"INC-{year}-"


SLUG = "_seq"  # Frappe's sequence API names a sequence <its base><slug>


def base_of(year: int) -> str:
	return f"itil_incident_{year}"


def sequence_of(year: int) -> str:
	return base_of(year) + SLUG


def stored_years() -> set[int]:
	"""The years whose sequence is in the database (read there, not from the cache)."""
	if frappe.db.db_type == "postgres":
		rows = frappe.db.sql(
			"select sequence_name from information_schema.sequences where sequence_name like 'itil_incident_%%_seq'"
		)
	else:
		rows = frappe.db.sql(
			"""select table_name from information_schema.tables where table_schema = database()
			and table_type = 'SEQUENCE' and table_name like 'itil\\_incident\\_%%\\_seq'"""
		)
	years = set()
	for (name,) in rows:
		year = name.removeprefix(base_of("")).removesuffix(SLUG)
		if year.isdigit():
			years.add(int(year))
	return years


def years_with_sequences() -> set[int]:
	return set(frappe.cache.get_value(CACHE_KEY, generator=lambda: sorted(stored_years())))


def last_number(year: int) -> int:
	"""The highest number given in a year: by the naming series, or found on an incident."""
	series = frappe.db.get_value("Series", prefix(year), "current", order_by="name") or 0
	incident = frappe.qb.DocType("ITIL Incident")
	number = frappe.query_builder.functions.Substring(incident.name, len(prefix(year)) + 1, 20)
	found = (
		frappe.qb.from_(incident)
		.select(frappe.query_builder.functions.Max(frappe.query_builder.functions.Cast(number, "integer")))
		.where(incident.name.like(f"{prefix(year)}%"))
	).run()
	return max(int(series), int((found and found[0][0]) or 0))


def ensure_sequences(years: list[int] | None = None) -> list[int]:
	"""The sequences of this year and the next (a DDL statement each: install, migrate, the daily job);
	each starts after the last number given in its year. Idempotent. The years made."""
	this_year = int(frappe.utils.nowdate()[:4])
	made = []
	existing = stored_years()
	for year in years or (this_year, this_year + 1):
		if year in existing:
			continue
		create_sequence(base_of(year), slug=SLUG, start_value=last_number(year) + 1, check_not_exists=True)
		made.append(year)
	frappe.cache.delete_value(CACHE_KEY)
	return made


def drop_sequences() -> None:
	"""Uninstall: the sequences go with the app."""
	for year in stored_years():
		frappe.db.sql_ddl(f"drop sequence if exists {sequence_of(year)}")
	frappe.cache.delete_value(CACHE_KEY)


def next_name(doc) -> str | None:
	"""The new incident's name from its year's sequence, or None (Frappe's naming series names it)."""
	if (doc.get("naming_series") or SERIES) != SERIES:
		return None
	year = int(frappe.utils.nowdate()[:4])  # as the series' .YYYY. reads it
	if year not in years_with_sequences():
		return None
	name = _take(year)
	if frappe.db.exists("ITIL Incident", name):  # the naming series gave numbers since: catch up, once
		set_next_val(base_of(year), last_number(year), slug=SLUG, is_val_used=True)
		name = _take(year)
	return name


def _take(year: int) -> str:
	return f"{prefix(year)}{get_next_val(base_of(year), slug=SLUG):0{DIGITS}d}"
