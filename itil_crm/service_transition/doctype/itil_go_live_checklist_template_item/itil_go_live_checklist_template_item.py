# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILGoLiveChecklistTemplateItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		is_exit_criterion: DF.Check
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
