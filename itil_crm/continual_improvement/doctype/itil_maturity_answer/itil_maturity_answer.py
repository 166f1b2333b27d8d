# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ITILMaturityAnswer(Document):
	"""One question of a maturity assessment: its evidence, proposed and chosen level."""
