# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILGoLiveStakeholder(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		contact: DF.Link | None
		email: DF.Data | None
		full_name: DF.Data | None
		informed: DF.Check
		involved: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		stakeholder_role: DF.Literal[
			"User",
			"Supervisor",
			"Key User",
			"Level 1 Support",
			"Third-Party Maintenance",
			"Security Officer",
			"External Party",
		]
		trained: DF.Check
		user: DF.Link | None
	# end: auto-generated types

	pass
