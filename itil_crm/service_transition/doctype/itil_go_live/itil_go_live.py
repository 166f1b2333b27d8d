# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, cint, date_diff, getdate, now_datetime, strip_html

from itil_crm.engines.lifecycle import GO_LIVE
from itil_crm.engines.warranty import due_date
from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.lifecycle import enforce
from itil_crm.service_transition import warranty


class ITILGoLive(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.configuration_management.doctype.itil_affected_ci.itil_affected_ci import ITILAffectedCI
		from itil_crm.service_transition.doctype.itil_go_live_attendee.itil_go_live_attendee import (
			ITILGoLiveAttendee,
		)
		from itil_crm.service_transition.doctype.itil_go_live_checklist_item.itil_go_live_checklist_item import (
			ITILGoLiveChecklistItem,
		)
		from itil_crm.service_transition.doctype.itil_go_live_milestone.itil_go_live_milestone import (
			ITILGoLiveMilestone,
		)
		from itil_crm.service_transition.doctype.itil_go_live_stakeholder.itil_go_live_stakeholder import (
			ITILGoLiveStakeholder,
		)

		affected_cis: DF.Table[ITILAffectedCI]
		attendees: DF.TableMultiSelect[ITILGoLiveAttendee]
		change: DF.Link | None
		checklist: DF.Table[ITILGoLiveChecklistItem]
		checklist_template: DF.Link | None
		exit_criteria: DF.SmallText | None
		exit_criteria_met: DF.Check
		exit_status: DF.SmallText | None
		extend_until: DF.Date | None
		final_review: DF.TextEditor | None
		go_live_date: DF.Date
		milestones: DF.Table[ITILGoLiveMilestone]
		naming_series: DF.Literal["GL-.YYYY.-"]
		overridden_by: DF.Link | None
		override_reason: DF.SmallText | None
		project_manager: DF.Link | None
		qos_availability: DF.Percent
		qos_limit_major_incidents: DF.Check
		qos_max_major_incidents: DF.Int
		qos_mttr_hours: DF.Float
		qos_sla_met: DF.Percent
		review_decision: DF.Literal["", "Close", "Extend"]
		review_held_on: DF.Date | None
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
		self.set_warranty_period(previous)
		self.project_manager = self.project_manager or frappe.session.user
		if self.checklist_template and not self.checklist:
			self.load_checklist()
		self.plan_checklist()
		self.stamp_checklist()
		criteria = warranty.evaluate(self)
		self.exit_status = warranty.describe(criteria)
		self.exit_criteria_met = int(all(c.met for c in criteria))
		if self.status == "Closed" and previous != "Closed":
			self.sign_off(criteria)

	def set_warranty_period(self, previous: str | None):
		"""The end follows the length, or the length the end when only the end was changed; a move to
		Extended sets the end to Extend Until, which must be later than the current end."""
		before = self.get_doc_before_save()
		if self.status == "Extended" and previous != "Extended":
			current = getdate(before.warranty_end) if before and before.warranty_end else None
			if not self.extend_until or (current and getdate(self.extend_until) <= current):
				frappe.throw(
					_("To extend the warranty, set Extend Warranty Until to a date after {0}.").format(
						frappe.format(current, "Date") if current else _("the go-live")
					),
					frappe.ValidationError,
					title=_("Extend the warranty"),
				)
			self.warranty_end = self.extend_until
			self.warranty_days = date_diff(self.warranty_end, self.go_live_date)
		elif before is None:  # new: the length, else the end, else the default length
			if not cint(self.warranty_days):
				self.warranty_days = (
					date_diff(self.warranty_end, self.go_live_date)
					if self.warranty_end
					else cint(frappe.get_cached_doc("ITIL Settings").default_warranty_days) or 30
				)
		elif (
			cint(self.warranty_days) == cint(before.warranty_days)
			and self.warranty_end
			and str(getdate(self.warranty_end))
			!= str(getdate(before.warranty_end) if before.warranty_end else "")
		):
			self.warranty_days = date_diff(self.warranty_end, self.go_live_date)  # only the end moved
		if cint(self.warranty_days) <= 0:
			frappe.throw(
				_("The warranty must end after the go-live date ({0}): it lasts at least one day.").format(
					frappe.format(self.go_live_date, "Date")
				),
				frappe.ValidationError,
				title=_("Warranty period"),
			)
		self.warranty_end = add_days(self.go_live_date, cint(self.warranty_days))

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
					"category": item.category,
					"owner_role": item.owner_role,
					"due_from": item.due_from,
					"due_offset_days": item.due_offset_days,
					"evidence_required": item.evidence_required,
				},
			)

	def plan_checklist(self):
		"""Each item is due some days from the go-live or from the warranty end (which moves with an
		extension); an item without Due From keeps the date set by hand, if any."""
		for row in self.checklist:
			base = {"Go-Live": self.go_live_date, "Warranty End": self.warranty_end}.get(row.due_from or "")
			if base:
				row.due_date = due_date(getdate(base), cint(row.due_offset_days))

	def stamp_checklist(self):
		for row in self.checklist:
			if row.done and row.evidence_required and not (row.evidence or row.evidence_link):
				frappe.throw(
					_(
						"Row {0}: “{1}” needs its evidence (an attachment or a link) before it is done."
					).format(row.idx, row.task),
					frappe.ValidationError,
				)
			if row.done and not row.done_on:
				row.done_by, row.done_on = frappe.session.user, now_datetime()
			elif not row.done:
				row.done_by = row.done_on = None

	def sign_off(self, criteria):
		if self.review_decision != "Close":
			frappe.throw(
				_("Record the final review's decision to close before closing the warranty period."),
				frappe.ValidationError,
			)
		if not strip_html(self.final_review or "").strip():
			frappe.throw(
				_("Write the final review before closing the warranty period."), frappe.ValidationError
			)
		failing = [c for c in criteria if not c.met]
		if failing:
			if not (self.override_reason or "").strip() or not warranty.may_override():
				frappe.throw(
					_("The warranty period cannot close while exit criteria fail:")
					+ "\n"
					+ warranty.describe(failing)
					+ "\n"
					+ _("A {0} may close it anyway with an override reason.").format(
						_(
							frappe.get_cached_doc("ITIL Settings").go_live_override_role
							or "ITIL Change Manager"
						)
					),
					frappe.ValidationError,
					title=_("Exit criteria"),
				)
			self.overridden_by = frappe.session.user
		elif not warranty.may_sign_off():
			frappe.throw(
				_("Only a change manager signs off a go-live's warranty period."),
				frappe.PermissionError,
				title=_("Exit criteria"),
			)
		self.review_held_on = self.review_held_on or getdate()
		self.signed_off_by, self.signed_off_on = frappe.session.user, now_datetime()

	def on_update(self):
		if self.overridden_by and self.has_value_changed("overridden_by"):
			self.add_comment(
				"Info",
				_("Closed by {0} despite failing exit criteria: {1}").format(
					self.overridden_by, self.override_reason
				),
			)
