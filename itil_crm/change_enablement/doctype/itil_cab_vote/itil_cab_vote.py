# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILCABVote(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		comment: DF.SmallText | None
		decision: DF.Literal["Approve", "Reject"]
		member: DF.Link | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		voted_on: DF.Datetime | None
	# end: auto-generated types

	pass
