# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt, get_datetime

from itil_crm import onboarding
from itil_crm.engines.priority_matrix import MatrixError, validate_matrix
from itil_crm.engines.thresholds import ThresholdError, parse_thresholds
from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILSettings(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.change_enablement.doctype.itil_change_freeze_window.itil_change_freeze_window import (
			ITILChangeFreezeWindow,
		)
		from itil_crm.change_enablement.doctype.itil_change_risk_question.itil_change_risk_question import (
			ITILChangeRiskQuestion,
		)
		from itil_crm.incident_management.doctype.itil_priority_matrix_entry.itil_priority_matrix_entry import (
			ITILPriorityMatrixEntry,
		)
		from itil_crm.service_desk.doctype.itil_ticket_intake.itil_ticket_intake import ITILTicketIntake
		from itil_crm.service_desk.doctype.itil_ticket_priority_map.itil_ticket_priority_map import (
			ITILTicketPriorityMap,
		)

		availability_target: DF.Percent
		cab_quorum: DF.Int
		change_conflict_depth: DF.Int
		change_conflict_policy: DF.Literal["Flag", "Block"]
		change_freeze_windows: DF.Table[ITILChangeFreezeWindow]
		change_review_days: DF.Int
		change_risk_questions: DF.Table[ITILChangeRiskQuestion]
		change_success_target: DF.Percent
		critical_ci_impact: DF.Link | None
		default_impact: DF.Link | None
		default_service_calendar: DF.Link | None
		default_urgency: DF.Link | None
		default_warning_thresholds: DF.Data | None
		default_warranty_days: DF.Int
		duplicate_ci_window_minutes: DF.Int
		duplicate_window_hours: DF.Int
		ecab_quorum: DF.Int
		exit_mandatory_items: DF.Check
		first_contact_resolution_target: DF.Percent
		first_response_target_hours: DF.Float
		go_live_override_role: DF.Link | None
		go_live_reminder_days: DF.Int
		key_customer_impact: DF.Link | None
		known_error_workaround_target: DF.Percent
		major_incidents_target: DF.Int
		mttr_target_hours: DF.Float
		ola_met_target: DF.Percent
		portal_role_by_hand: DF.Check
		priority_matrix: DF.Table[ITILPriorityMatrixEntry]
		problem_candidate_min_incidents: DF.Int
		problem_candidate_window_days: DF.Int
		reopen_rate_target: DF.Percent
		resolve_incidents_with_problem: DF.Check
		route_warranty_incidents: DF.Check
		sla_met_target: DF.Percent
		ticket_intake: DF.Table[ITILTicketIntake]
		ticket_priority_map: DF.Table[ITILTicketPriorityMap]
		tier_alert_window_days: DF.Int
		tier_resolution_target: DF.Percent
		uc_met_target: DF.Percent
		warranty_blocking_priority: DF.Link | None
		warranty_impact: DF.Link | None
		warranty_sla_target: DF.Percent
	# end: auto-generated types

	def validate(self):
		impacts = frappe.get_all("ITIL Impact", pluck="name", order_by="rank")
		urgencies = frappe.get_all("ITIL Urgency", pluck="name", order_by="rank")
		try:
			validate_matrix(
				impacts, urgencies, [(r.impact, r.urgency, r.priority) for r in self.priority_matrix]
			)
			parse_thresholds(self.default_warning_thresholds)
		except (MatrixError, ThresholdError) as e:
			frappe.throw(_(str(e)), frappe.ValidationError, title=_("Invalid ITIL Settings"))
		self.validate_tickets()
		self.validate_freeze_windows()

	def validate_freeze_windows(self):
		for row in self.change_freeze_windows:
			if get_datetime(row.freeze_end) <= get_datetime(row.freeze_start):
				frappe.throw(
					_("Freeze window {0} ({1}): it must end after it starts.").format(row.idx, row.reason),
					frappe.ValidationError,
				)

	def validate_tickets(self):
		from itil_crm.integrations.apps import is_installed
		from itil_crm.ticket_bridge.platforms import PLATFORMS

		seen = set()
		for row in self.ticket_intake:
			if row.source_doctype in seen:
				frappe.throw(
					_("Ticket Intake: {0} has two rows; keep one.").format(row.source_doctype),
					frappe.ValidationError,
				)
			seen.add(row.source_doctype)
		seen = set()
		for row in self.ticket_priority_map:
			key = (row.source_doctype, row.priority)
			if key in seen:
				frappe.throw(
					_("Ticket Priority Map: {0} has two rows for {1}.").format(*key), frappe.ValidationError
				)
			seen.add(key)
			platform = PLATFORMS[row.source_doctype]
			if is_installed(platform.app) and not frappe.db.exists(
				platform.priority_doctype, row.ticket_priority
			):
				frappe.throw(
					_("Ticket Priority Map row {0}: {1} {2} does not exist.").format(
						row.idx, platform.priority_doctype, row.ticket_priority
					),
					frappe.ValidationError,
				)
		self.tier_resolution_target = flt(self.tier_resolution_target)
		if not 0 < self.tier_resolution_target <= 100:
			frappe.throw(
				_("The tier resolution target is a percentage above 0 and at most 100."),
				frappe.ValidationError,
			)

	def on_update(self):
		frappe.clear_document_cache("ITIL Settings", "ITIL Settings")
		onboarding.check_off(self)
