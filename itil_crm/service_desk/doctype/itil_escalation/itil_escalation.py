# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILEscalation(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		escalated_by: DF.Link | None
		escalated_on: DF.Datetime
		escalation_type: DF.Literal["Functional", "Hierarchical"]
		from_group: DF.Link | None
		incident: DF.Link
		notified: DF.SmallText | None
		reason: DF.SmallText | None
		threshold: DF.Percent
		to_group: DF.Link | None
		trigger: DF.Literal["Manual", "Automatic"]
	# end: auto-generated types

	pass
