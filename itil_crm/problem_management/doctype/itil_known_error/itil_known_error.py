# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.problem_management import alerts, known_error_search


class ITILKnownError(SanitizedDocument):
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

	def on_update(self):
		known_error_search.index_known_error(self)  # its search terms
		alerts.on_known_error_update(self)  # who is told when its workaround or fix moves

	def on_trash(self):
		known_error_search.drop_index(self)
