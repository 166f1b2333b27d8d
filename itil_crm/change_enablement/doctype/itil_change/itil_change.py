# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from itil_crm.change_enablement import authority, conflicts, review, standard_changes
from itil_crm.engines.lifecycle import CHANGE
from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.lifecycle import enforce, previous_value


class ITILChange(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.change_enablement.doctype.itil_cab_vote.itil_cab_vote import ITILCABVote
		from itil_crm.change_enablement.doctype.itil_change_known_error.itil_change_known_error import (
			ITILChangeKnownError,
		)
		from itil_crm.change_enablement.doctype.itil_change_problem.itil_change_problem import (
			ITILChangeProblem,
		)
		from itil_crm.change_enablement.doctype.itil_change_risk_answer.itil_change_risk_answer import (
			ITILChangeRiskAnswer,
		)
		from itil_crm.configuration_management.doctype.itil_affected_ci.itil_affected_ci import ITILAffectedCI

		actual_end: DF.Datetime | None
		actual_start: DF.Datetime | None
		affected_cis: DF.Table[ITILAffectedCI]
		backout_plan: DF.TextEditor | None
		cab_decision: DF.Literal["", "Pending", "Approved", "Rejected"]
		cab_decision_on: DF.Datetime | None
		cab_notes: DF.SmallText | None
		cab_votes: DF.Table[ITILCABVote]
		change_authority: DF.Link | None
		change_type: DF.Literal["Normal", "Standard", "Emergency"]
		implementation_plan: DF.TextEditor | None
		incident: DF.Link | None
		incidents_after_change: DF.SmallText | None
		known_errors: DF.Table[ITILChangeKnownError]
		naming_series: DF.Literal["CHG-.YYYY.-"]
		planned_end: DF.Datetime | None
		planned_start: DF.Datetime | None
		post_implementation_review: DF.TextEditor | None
		problems: DF.Table[ITILChangeProblem]
		reason: DF.TextEditor | None
		required_authority: DF.Data | None
		retrospective_review: DF.TextEditor | None
		review_outcome: DF.Literal["", "Successful", "Failed", "Backed Out"]
		risk: DF.Literal["Low", "Medium", "High"]
		risk_answers: DF.Table[ITILChangeRiskAnswer]
		risk_assessment: DF.TextEditor | None
		risk_score: DF.Percent
		schedule_conflicts: DF.SmallText | None
		standard_template: DF.Link | None
		status: DF.Literal[
			"Draft",
			"Assessment",
			"Authorized",
			"Scheduled",
			"Implementing",
			"Review",
			"Closed",
			"Rejected",
			"Cancelled",
			"Backed Out",
		]
		test_plan: DF.TextEditor | None
		title: DF.Data
	# end: auto-generated types

	def validate(self):
		standard_changes.apply_template(self)
		kind = authority.assess(self)
		previous = previous_value(self)
		authority.keep_change_authority(self)
		authority.check_votes(self)
		authority.check_move(self, previous, kind)
		if not self.flags.pre_authorised:
			previous = enforce(self, CHANGE)
		authority.check_close(self, previous)
		if (
			self.planned_start
			and self.planned_end
			and get_datetime(self.planned_end) <= get_datetime(self.planned_start)
		):
			frappe.throw(_("Planned end must be after planned start."), frappe.ValidationError)
		if self.status == "Scheduled" and not (self.planned_start and self.planned_end):
			frappe.throw(_("Set the planned window before scheduling the change."), frappe.ValidationError)
		conflicts.check(self)
		if previous == self.status:
			return
		if self.status in ("Authorized", "Rejected"):
			self.cab_decision = "Approved" if self.status == "Authorized" else "Rejected"
			self.cab_decision_on = now_datetime()
			# who decided, never a name sent with the save; a pre-authorised change has its template
			self.change_authority = None if self.flags.pre_authorised else frappe.session.user
		elif self.status == "Assessment" and not self.cab_decision:
			self.cab_decision = "Pending"
		if self.status == "Implementing":
			self.actual_start = now_datetime()
		if self.status in ("Review", "Backed Out") and previous == "Implementing":
			self.actual_end = now_datetime()
		review.on_status(self, previous)

	def on_update(self):
		review.move_fixed_on(self)
