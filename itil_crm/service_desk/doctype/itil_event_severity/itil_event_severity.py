# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILEventSeverity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		impact: DF.Link | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		severity: DF.Data
		urgency: DF.Link
	# end: auto-generated types
	pass
