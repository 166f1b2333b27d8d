# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILCandidateIncident(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		configuration_item: DF.Link | None
		dismissal_reason: DF.SmallText | None
		dismissed: DF.Check
		incident: DF.Link
		problem: DF.Link | None
	# end: auto-generated types

	pass
