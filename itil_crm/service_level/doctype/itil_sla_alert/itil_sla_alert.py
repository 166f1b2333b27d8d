# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILSLAAlert(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		alert_on: DF.Datetime
		assigned_to: DF.Link | None
		clock: DF.Literal["Response", "Resolution", "OLA", "UC"]
		due_by: DF.Datetime | None
		group_lead: DF.Link | None
		incident_assignees: DF.SmallText | None
		incident: DF.Link
		level: DF.Literal["Warning", "Breached"]
		pending_delivery: DF.Check
		priority: DF.Link | None
		subject: DF.Data | None
		support_group: DF.Link | None
		threshold: DF.Percent
	# end: auto-generated types

	pass
