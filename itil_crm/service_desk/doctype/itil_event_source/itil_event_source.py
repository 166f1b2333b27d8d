# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _

from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.service_desk.monitoring_events import EVENT_SOURCE_ROLE

DEFAULT_SEVERITIES = (
	("critical", "High", "High"),
	("error", "High", None),
	("warning", "Medium", None),
	("info", "Low", "Low"),
)


class ITILEventSource(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.service_desk.doctype.itil_event_severity.itil_event_severity import ITILEventSeverity

		ci_labels: DF.Data | None
		default_impact: DF.Link | None
		default_severity: DF.Data | None
		enabled: DF.Check
		resolve_on_recovery: DF.Check
		severities: DF.Table[ITILEventSeverity]
		source_name: DF.Data
		support_group: DF.Link | None
		user: DF.Link

	# end: auto-generated types

	def validate(self):
		if not self.severities:
			for severity, urgency, impact in DEFAULT_SEVERITIES:
				if frappe.db.exists("ITIL Urgency", urgency):
					self.append("severities", {"severity": severity, "urgency": urgency, "impact": impact})
		seen = set()
		for row in self.severities:
			row.severity = (row.severity or "").strip().lower()
			if row.severity in seen:
				frappe.throw(
					_("Severity {0} is mapped twice.").format(frappe.bold(row.severity)),
					frappe.ValidationError,
				)
			seen.add(row.severity)
		self.default_severity = (self.default_severity or "").strip().lower() or None
		if self.default_severity and self.default_severity not in seen:
			frappe.throw(
				_("The severity used when none is sent ({0}) must be in the severity map.").format(
					self.default_severity
				),
				frappe.ValidationError,
			)
		if self.user in ("Administrator", "Guest"):
			frappe.throw(
				_("Give the source a user of its own, not {0}.").format(self.user), frappe.ValidationError
			)

	def on_update(self):
		"""The API user gets the role ITIL Event Source (and needs nothing else)."""
		if EVENT_SOURCE_ROLE not in frappe.get_roles(self.user):
			user = frappe.get_doc("User", self.user)
			user.flags.ignore_permissions = True
			user.add_roles(EVENT_SOURCE_ROLE)
