# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

"""A service review: computed while a draft, frozen when submitted (continual_improvement/service_review.py)."""

import frappe
from frappe import _

from itil_crm.continual_improvement import service_review
from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.frappe_fixes.whitelisted_arguments import checked


class ITILServiceReview(SanitizedDocument):
	def validate(self):
		service_review.validate_scope(self)
		service_review.validate_period(self)
		self.title = self.title or service_review.default_title(self)
		if self.scope_or_period_changed() and not self.flags.computed:
			service_review.forget_figures(self)  # a draft's figures are those of its scope and period

	def scope_or_period_changed(self) -> bool:
		fields = ("scope", "customer_type", "customer", "service", "period_start", "period_end")
		return not self.is_new() and any(self.has_value_changed(f) for f in fields)

	def before_submit(self):
		"""The figures as they are now, once more, then never again."""
		service_review.check_not_reviewed_yet(self)
		service_review.compute(self)

	@frappe.whitelist()
	@checked
	def compute_figures(self):
		"""A draft's figures, computed now (the form's Compute Figures button)."""
		if self.docstatus != 0:
			frappe.throw(
				_(
					"A submitted review keeps the figures it was submitted with: amend it to compute them again."
				),
				frappe.ValidationError,
			)
		self.check_permission("write")
		service_review.validate_scope(self)
		service_review.validate_period(self)
		service_review.compute(self)
		self.flags.computed = True
		self.save()
