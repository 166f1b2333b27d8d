# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from itil_crm.continual_improvement import maturity
from itil_crm.frappe_fixes.whitelisted_arguments import checked


class ITILImprovementAction(Document):
	"""An entry of the continual improvement register: who does what by when, and the KPI it should move
	(baseline when created, current value refreshed daily from the observatory's figures)."""

	def validate(self):
		if not self.kpi_key:
			self.update(
				{"baseline_value": 0, "baseline_measured": 0, "baseline_period": None, "current_value": 0,
				 "current_measured": 0, "current_period": None, "moved": ""}
			)  # fmt: skip
			return
		if self.is_new() or self.has_value_changed("kpi_key"):
			value, month = maturity.measure_kpi(self.kpi_key)
			self.baseline_value, self.baseline_measured = value or 0, int(value is not None)
			self.baseline_period = month
			maturity.set_current(self, value, month)
		self.moved = maturity.moved(self)

	@frappe.whitelist()
	@checked
	def refresh_kpi(self):
		"""The button "Refresh KPI": the current value over the last full month."""
		self.check_permission("write")
		value, month = maturity.measure_kpi(self.kpi_key) if self.kpi_key else (None, None)
		maturity.set_current(self, value, month)
		self.save()
