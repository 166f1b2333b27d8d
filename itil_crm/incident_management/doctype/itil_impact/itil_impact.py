# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint

from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.incident_management.priority import clear_rank_cache


class ITILImpact(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		impact_name: DF.Data
		rank: DF.Int
	# end: auto-generated types

	def validate(self):
		self.rank = cint(self.rank)  # sent as text through the API, it is still a whole number
		if self.rank < 1:
			frappe.throw(_("Rank must be 1 or more (1 is the highest)."), frappe.ValidationError)

	def on_update(self):
		clear_rank_cache(self.doctype)  # the incident's priority reads the levels' ranks from a cache

	def on_trash(self):
		clear_rank_cache(self.doctype)
