# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

"""What the daily job reviews and mails on the first working day of each month
(continual_improvement/service_review.py)."""

import frappe
from frappe import _
from frappe.utils import validate_email_address

from itil_crm.continual_improvement import service_review
from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILServiceReviewSchedule(SanitizedDocument):
	def validate(self):
		service_review.validate_scope(self)
		self.check_recipients()
		if not self.title:
			subject = {"Customer": self.customer, "Business Service": self.service}.get(self.scope)
			self.title = subject or _("Whole desk")

	def check_recipients(self):
		if not self.recipients:
			frappe.throw(_("Add the recipients of the review."), frappe.ValidationError)
		seen = set()
		for row in self.recipients:
			email = (row.email or "").strip()
			if not validate_email_address(email):
				frappe.throw(
					_("Row {0}: {1} is not an email address.").format(row.idx, email or "–"),
					frappe.ValidationError,
				)
			if email.lower() in seen:
				frappe.throw(
					_("Row {0}: {1} is listed twice.").format(row.idx, email), frappe.ValidationError
				)
			seen.add(email.lower())
			row.email = email
