# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILGoLiveChecklistTemplate(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.service_transition.doctype.itil_go_live_checklist_template_item.itil_go_live_checklist_template_item import (
			ITILGoLiveChecklistTemplateItem,
		)

		description: DF.SmallText | None
		items: DF.Table[ITILGoLiveChecklistTemplateItem]
		template_name: DF.Data
	# end: auto-generated types

	def validate(self):
		if not self.items:
			frappe.throw(
				_(
					"A checklist template needs at least one item: a go-live built from it would check nothing."
				),
				frappe.ValidationError,
			)
