# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILKnownError(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.configuration_management.doctype.itil_affected_ci.itil_affected_ci import ITILAffectedCI

		affected_cis: DF.Table[ITILAffectedCI]
		naming_series: DF.Literal["KE-.YYYY.-"]
		permanent_fix_status: DF.Literal["Not Started", "Planned", "In Progress", "Fixed", "Won't Fix"]
		published: DF.Check
		root_cause: DF.TextEditor | None
		symptoms: DF.TextEditor
		title: DF.Data
		workaround: DF.TextEditor | None
		workaround_last_used: DF.Datetime | None
		workaround_uses: DF.Int
	# end: auto-generated types

	pass
