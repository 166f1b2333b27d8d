# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.utils import now_datetime

from itil_crm.frappe_fixes.json_text import SanitizedDocument

APPROVED_CONTENT = (
	"enabled",
	"risk",
	"max_duration_hours",
	"implementation_plan",
	"test_plan",
	"backout_plan",
)


class ITILStandardChangeTemplate(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		approved_by: DF.Link | None
		approved_on: DF.Datetime | None
		backout_plan: DF.TextEditor
		description: DF.SmallText | None
		enabled: DF.Check
		implementation_plan: DF.TextEditor
		max_duration_hours: DF.Float
		risk: DF.Literal["Low", "Medium", "High"]
		template_name: DF.Data
		test_plan: DF.TextEditor | None

	# end: auto-generated types

	def validate(self):
		"""Whoever enables a template or changes what it authorises approves it (only change managers
		may write templates); the approval is in the record's version history."""
		before = self.get_doc_before_save()
		changed = before is None or any(self.get(f) != before.get(f) for f in APPROVED_CONTENT)
		if self.enabled and changed:
			self.approved_by, self.approved_on = frappe.session.user, now_datetime()
