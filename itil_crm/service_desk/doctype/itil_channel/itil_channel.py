# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILChannel(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		channel_name: DF.Data
		default_urgency: DF.Link | None
		description: DF.SmallText | None
		enabled: DF.Check
	# end: auto-generated types

	pass
