# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILSLAEvent(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		at: DF.Datetime
		event_type: DF.Literal[
			"opened", "responded", "status", "priority", "agreement", "resolved", "reopened", "closed"
		]
		incident: DF.Link
		note: DF.SmallText | None
		value: DF.Data | None
	# end: auto-generated types

	pass
