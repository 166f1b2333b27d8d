"""What the desk's grouped incident reports share: the Group By filter, checked against the report's
own choices, and the first column that names the group (a link where the group is a record)."""

import frappe
from frappe import _

LINKS = {"Priority": "ITIL Priority", "Support Group": "ITIL Support Group"}


def chosen(filters: dict, choices: dict, default: str = "Priority") -> str:
	"""The Group By of the filters, one of ``choices`` (else a clear error)."""
	group_by = filters.get("group_by") or default
	if group_by not in choices:
		frappe.throw(_("Group by one of: {0}.").format(", ".join(_(g) for g in choices)))
	return group_by


def group_column(group_by: str) -> dict:
	column = {"fieldname": "grp", "label": _(group_by), "fieldtype": "Data", "width": 180}
	if group_by in LINKS:
		column.update(fieldtype="Link", options=LINKS[group_by])
	return column
