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
