# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ITILIncidentLeg(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		agreement_type: DF.Data | None
		assigned_on: DF.Datetime
		breached: DF.Check
		caused_sla_breach: DF.Check
		due_by: DF.Datetime | None
		elapsed_seconds: DF.Duration | None
		is_external: DF.Check
		outcome: DF.Literal["Open", "Escalated", "Reassigned", "Resolved", "Cancelled"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		released_on: DF.Datetime | None
		service_agreement: DF.Link | None
		supplier_reference: DF.Data | None
		support_group: DF.Link
		target_seconds: DF.Duration | None
		tier: DF.Int
	# end: auto-generated types

	def db_insert(self, *args, **kwargs):
		"""Written already with the rest of its incident's new rows (service_level.child_rows)."""
		if self.flags.written:
			return
		return super().db_insert(*args, **kwargs)


def on_doctype_update():
	"""The sweep looks for open, unbreached legs past due: keep that an index range, not a table scan."""
	frappe.db.add_index("ITIL Incident Leg", ["outcome", "breached", "due_by"], index_name="open_due_index")
