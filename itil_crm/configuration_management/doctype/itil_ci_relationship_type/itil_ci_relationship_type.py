# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILCIRelationshipType(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		inverse_label: DF.Data | None
		propagates_impact: DF.Check
		relationship_name: DF.Data
	# end: auto-generated types

	pass
