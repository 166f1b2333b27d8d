# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILMaturityPracticeScore(Document):
	"""A practice's score in a maturity assessment, beside the previous assessment's."""
