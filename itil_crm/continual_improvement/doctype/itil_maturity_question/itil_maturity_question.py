# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from itil_crm.continual_improvement import maturity


class ITILMaturityQuestion(Document):
	"""A question of the maturity questionnaire: answered by hand, or from an evidence measure whose value
	proposes a level through the thresholds of levels 2-5 (strictly increasing)."""

	def validate(self):
		self.question_code = (self.question_code or "").strip()
		if not self.question_code:
			frappe.throw(_("Give the question a code."), frappe.ValidationError)
		if self.evidence_key:
			maturity.question_thresholds(self)
		else:  # a hand question proposes nothing: no thresholds to mislead
			for field in maturity.THRESHOLD_FIELDS:
				self.set(field, 0)
