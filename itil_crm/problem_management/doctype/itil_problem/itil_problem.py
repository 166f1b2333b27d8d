# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import now_datetime

from itil_crm.engines.lifecycle import PROBLEM
from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.lifecycle import enforce
from itil_crm.problem_management import alerts
from itil_crm.problem_management.alerts import known_error_from_problem


class ITILProblem(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.configuration_management.doctype.itil_affected_ci.itil_affected_ci import ITILAffectedCI

		affected_cis: DF.Table[ITILAffectedCI]
		description: DF.TextEditor | None
		known_error: DF.Link | None
		naming_series: DF.Literal["PRB-.YYYY.-"]
		priority: DF.Link | None
		problem_manager: DF.Link | None
		raised_automatically: DF.Check
		resolved_on: DF.Datetime | None
		root_cause: DF.TextEditor | None
		status: DF.Literal["New", "Under Investigation", "Known Error", "Resolved", "Closed"]
		support_group: DF.Link | None
		title: DF.Data
		workaround: DF.TextEditor | None
	# end: auto-generated types

	def validate(self):
		previous = enforce(self, PROBLEM)
		if self.status == "Known Error" and not self.known_error:
			# the known error that documents it, created from it (title, symptoms, cause, workaround, CIs)
			self.known_error = known_error_from_problem(self)
		if self.status == "Resolved" and previous != "Resolved":
			self.resolved_on = now_datetime()
		elif self.status not in ("Resolved", "Closed"):
			self.resolved_on = None

	def on_update(self):
		alerts.on_problem_update(self)  # a resolved problem's incidents are followed up
