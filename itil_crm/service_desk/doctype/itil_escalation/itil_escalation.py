# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILEscalation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		escalated_by: DF.Link | None
		escalated_on: DF.Datetime
		escalation_type: DF.Literal["Functional", "Hierarchical"]
		from_group: DF.Link | None
		notified: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		reason: DF.SmallText | None
		threshold: DF.Percent
		to_group: DF.Link | None
		trigger: DF.Literal["Manual", "Automatic"]
	# end: auto-generated types

	pass
