# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from itil_crm.continual_improvement import maturity
from itil_crm.frappe_fixes.whitelisted_arguments import checked


class ITILMaturityAssessment(Document):
	"""An ITIL maturity self-assessment: the questionnaire answered on a 1-5 scale, levels proposed from the
	data, scores per practice and overall beside the previous assessment; on submit its weak answers become
	improvement actions (itil_crm.continual_improvement.maturity)."""

	def validate(self):
		maturity.set_defaults(self)
		if self.is_new() and not self.answers:
			maturity.fill_answers(self)
		maturity.score(self)

	def on_submit(self):
		maturity.create_actions(self)
		maturity.forget_chart()

	def on_cancel(self):
		maturity.forget_chart()

	@frappe.whitelist()
	@checked
	def propose_levels(self):
		"""The button "Propose Levels From the Data": evidence and proposed levels, saved."""
		if self.docstatus != 0:
			frappe.throw(_("Levels are proposed on a draft assessment only."), frappe.ValidationError)
		self.check_permission("write")
		proposed = maturity.propose(self)
		self.save()
		return proposed

	@frappe.whitelist()
	@checked
	def add_missing_questions(self):
		"""The enabled questions added since the assessment was created."""
		if self.docstatus != 0:
			frappe.throw(_("Questions are added to a draft assessment only."), frappe.ValidationError)
		self.check_permission("write")
		before = len(self.answers)
		maturity.fill_answers(self)
		self.save()
		return len(self.answers) - before

	@frappe.whitelist()
	@checked
	def chart(self):
		return maturity.chart_data(self)
