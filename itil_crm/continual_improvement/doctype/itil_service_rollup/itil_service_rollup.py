# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILServiceRollup(Document):
	"""Monthly additive counters, written set-based by continual_improvement.rollups (never one by one)."""

	pass
