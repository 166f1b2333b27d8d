# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILGoLiveChecklistItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		done: DF.Check
		done_by: DF.Link | None
		done_on: DF.Datetime | None
		is_exit_criterion: DF.Check
		notes: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		requirement: DF.Literal[
			"R7 Processes & Stakeholders",
			"R8 Buy-in & Communication",
			"R9 Training",
			"R10 Documentation & CMDB",
			"R11 Warranty & Final Review",
		]
		task: DF.SmallText
	# end: auto-generated types

	pass
