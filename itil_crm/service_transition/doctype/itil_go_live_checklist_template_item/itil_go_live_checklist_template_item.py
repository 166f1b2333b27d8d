# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILGoLiveChecklistTemplateItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		category: DF.Literal[
			"Process",
			"Stakeholders",
			"Communication",
			"Training",
			"Documentation",
			"Environments",
			"Support",
			"Review",
		]
		due_from: DF.Literal["", "Go-Live", "Warranty End"]
		due_offset_days: DF.Int
		evidence_required: DF.Check
		is_exit_criterion: DF.Check
		owner_role: DF.Literal[
			"Project Manager",
			"Support Group",
			"Change Manager",
			"User",
			"Supervisor",
			"Key User",
			"Level 1 Support",
			"Third-Party Maintenance",
			"Security Officer",
			"External Party",
		]
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
		task_en: DF.SmallText
		task_fr: DF.SmallText
	# end: auto-generated types

	pass
