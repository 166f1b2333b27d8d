# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILSupplierExchange(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.service_level.doctype.itil_supplier_exchange_attempt.itil_supplier_exchange_attempt import (
			ITILSupplierExchangeAttempt,
		)

		attempt_log: DF.Table[ITILSupplierExchangeAttempt]
		attempts: DF.Int
		connector: DF.Link | None
		direction: DF.Literal["Outbound", "Inbound"]
		event: DF.Literal["Create", "Update", "Callback"]
		failure: DF.Literal["", "Attempts Exhausted", "Refused By Supplier"]
		idempotency_key: DF.Data | None
		incident: DF.Link | None
		last_status_code: DF.Int
		leg: DF.Data | None
		next_attempt_at: DF.Datetime | None
		request_body: DF.Code | None
		response_excerpt: DF.SmallText | None
		status: DF.Literal["Queued", "Sending", "Retrying", "Delivered", "Failed", "Accepted", "Refused"]
		supplier_reference: DF.Data | None
	# end: auto-generated types
	"""Written by itil_crm.service_level.supplier_connector and supplier_callbacks; read-only in the desk."""

	pass
