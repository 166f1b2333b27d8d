# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILTicketIntake(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		automatic_types: DF.SmallText | None
		created_ticket_type: DF.Check
		mode: DF.Literal["Off", "Manual", "Automatic"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		source_doctype: DF.Literal["HD Ticket", "Issue"]
	# end: auto-generated types

	pass
