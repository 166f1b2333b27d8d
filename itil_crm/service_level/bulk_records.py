"""Records the service level writes in bulk, as Frappe keeps its Version and Comment records: the incident's
history rows (clock events, new legs) and the sweep's alerts and hierarchical escalations. One INSERT for
any number of records (``frappe.db.bulk_insert``), with the columns every Frappe record has."""

import frappe


def insert_records(doctype: str, fields: tuple | list, records: list, now=None) -> list[str]:
	"""Insert ``records`` (dicts) of ``doctype`` with these ``fields``, named (a record's own ``name``, else a
	hash as Frappe names them), created and modified ``now`` by the session's user; their names."""
	if not records:
		return []
	now, user = now or frappe.utils.now_datetime(), frappe.session.user
	names = [record.get("name") or frappe.generate_hash(length=10) for record in records]
	frappe.db.bulk_insert(
		doctype,
		["name", "creation", "modified", "owner", "modified_by", *fields],
		[
			(name, now, now, user, user, *(record.get(f) for f in fields))
			for name, record in zip(names, records, strict=True)
		],
	)
	return names


UPDATE_CHUNK = 500


def update_records(doctype: str, updates: dict[str, dict]) -> None:
	"""Write ``updates`` ({name: {column: value}}) in one ``UPDATE ... CASE`` statement per 500 records
	(``modified`` untouched: the clock's state, not an edit). A record leaves the columns it does not name
	as they are."""
	items = [(name, values) for name, values in updates.items() if values]
	table = f"`tab{doctype}`"
	for start in range(0, len(items), UPDATE_CHUNK):
		chunk = items[start : start + UPDATE_CHUNK]
		columns = list(dict.fromkeys(column for _name, values in chunk for column in values))
		sets, params = [], {}
		for c, column in enumerate(columns):
			cases = []
			for i, (name, values) in enumerate(chunk):
				if column in values:
					params[f"n{i}"] = name
					params[f"v{c}_{i}"] = values[column]
					cases.append(f"when %(n{i})s then %(v{c}_{i})s")
			sets.append(f"`{column}` = case name {' '.join(cases)} else `{column}` end")
		params["names"] = [name for name, _values in chunk]
		frappe.db.sql(f"update {table} set {', '.join(sets)} where name in %(names)s", params)
