# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILMonitoringAlert(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		alert_status: DF.Literal["Firing", "Resolved"]
		configuration_item: DF.Link | None
		fingerprint: DF.Data | None
		first_seen: DF.Datetime | None
		incident: DF.Link | None
		labels: DF.Code | None
		last_seen: DF.Datetime | None
		occurrences: DF.Int
		open_key: DF.Data | None
		previous_incident: DF.Link | None
		resolved_at: DF.Datetime | None
		severity: DF.Data | None
		source: DF.Link | None
		starts_at: DF.Datetime | None
		summary: DF.Data | None
	# end: auto-generated types
	"""Written set-based by itil_crm.service_desk.monitoring_events, read-only in the desk."""

	pass
