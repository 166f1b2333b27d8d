# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, now_datetime

from itil_crm.engines.lifecycle import GO_LIVE
from itil_crm.lifecycle import enforce


class ITILGoLive(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.configuration_management.doctype.itil_affected_ci.itil_affected_ci import ITILAffectedCI
		from itil_crm.service_transition.doctype.itil_go_live_checklist_item.itil_go_live_checklist_item import (
			ITILGoLiveChecklistItem,
		)
		from itil_crm.service_transition.doctype.itil_go_live_stakeholder.itil_go_live_stakeholder import (
			ITILGoLiveStakeholder,
		)

		affected_cis: DF.Table[ITILAffectedCI]
		change: DF.Link | None
		checklist: DF.Table[ITILGoLiveChecklistItem]
		checklist_template: DF.Link | None
		exit_criteria: DF.SmallText | None
		final_review: DF.TextEditor | None
		go_live_date: DF.Date
		naming_series: DF.Literal["GL-.YYYY.-"]
		signed_off_by: DF.Link | None
		signed_off_on: DF.Datetime | None
		stakeholders: DF.Table[ITILGoLiveStakeholder]
		status: DF.Literal["Planned", "In Warranty", "Extended", "Final Review", "Closed"]
		support_group: DF.Link | None
		title: DF.Data
		warranty_days: DF.Int
		warranty_end: DF.Date | None
	# end: auto-generated types

	def validate(self):
		previous = enforce(self, GO_LIVE)
		if (self.warranty_days or 0) <= 0:
			frappe.throw(_("The warranty period must last at least one day."), frappe.ValidationError)
		self.warranty_end = add_days(self.go_live_date, self.warranty_days)
		if self.checklist_template and not self.checklist:
			self.load_checklist()
		self.stamp_checklist()
		if self.status == "Closed" and previous != "Closed":
			self.sign_off()

	def load_checklist(self):
		template = frappe.get_doc("ITIL Go-Live Checklist Template", self.checklist_template)
		french = (frappe.local.lang or "en").startswith("fr")
		for item in template.items:
			self.append(
				"checklist",
				{
					"requirement": item.requirement,
					"task": item.task_fr if french else item.task_en,
					"is_exit_criterion": item.is_exit_criterion,
				},
			)

	def stamp_checklist(self):
		for row in self.checklist:
			if row.done and not row.done_on:
				row.done_by, row.done_on = frappe.session.user, now_datetime()
			elif not row.done:
				row.done_by = row.done_on = None

	def sign_off(self):
		open_items = [row.task for row in self.checklist if row.is_exit_criterion and not row.done]
		if open_items:
			frappe.throw(
				_("The warranty period cannot close while exit criteria are open: {0}").format(
					"; ".join(open_items)
				),
				frappe.ValidationError,
			)
		if not self.final_review:
			frappe.throw(
				_("Write the final review before closing the warranty period."), frappe.ValidationError
			)
		self.signed_off_by, self.signed_off_on = frappe.session.user, now_datetime()
