# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILCIRelationship(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		notes: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		relationship_type: DF.Link
		target_ci: DF.Link
		target_ci_name: DF.Data | None
	# end: auto-generated types

	pass
