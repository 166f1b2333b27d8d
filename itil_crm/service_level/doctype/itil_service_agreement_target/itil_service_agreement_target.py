# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILServiceAgreementTarget(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		priority: DF.Link
		resolution_time: DF.Duration
		response_time: DF.Duration
	# end: auto-generated types

	pass
