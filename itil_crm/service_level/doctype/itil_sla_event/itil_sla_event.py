# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILSLAEvent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		at: DF.Datetime
		event_type: DF.Literal[
			"opened", "responded", "status", "priority", "agreement", "resolved", "reopened", "closed"
		]
		note: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		value: DF.Data | None
	# end: auto-generated types

	def db_insert(self, *args, **kwargs):
		"""Written already with the rest of its incident's new log rows (service_level.child_rows)."""
		if self.flags.written:
			return
		return super().db_insert(*args, **kwargs)
