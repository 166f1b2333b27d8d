# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt, getdate

from itil_crm import onboarding
from itil_crm.engines.thresholds import ThresholdError, parse_thresholds
from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.integrations.apps import validate_customer
from itil_crm.service_level import retiming, selection


class ITILServiceAgreement(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.service_level.doctype.itil_service_agreement_target.itil_service_agreement_target import (
			ITILServiceAgreementTarget,
		)

		agreement_name: DF.Data
		agreement_type: DF.Literal["SLA", "OLA", "UC"]
		auto_escalate_at: DF.Percent
		customer: DF.DynamicLink | None
		customer_type: DF.Link | None
		enabled: DF.Check
		is_default: DF.Check
		pause_on_hold: DF.Check
		selection_order: DF.Int
		service_calendar: DF.Link
		support_group: DF.Link | None
		targets: DF.Table[ITILServiceAgreementTarget]
		valid_from: DF.Date | None
		valid_until: DF.Date | None
		warning_thresholds: DF.Data | None
	# end: auto-generated types

	def validate(self):
		validate_customer(self)
		self.validate_scope()
		self.validate_targets()
		try:
			self.warning_thresholds = ", ".join(f"{v:g}" for v in parse_thresholds(self.warning_thresholds))
		except ThresholdError as e:
			frappe.throw(_(str(e)), frappe.ValidationError)
		if self.valid_from and self.valid_until and getdate(self.valid_until) < getdate(self.valid_from):
			frappe.throw(_("Valid Until must not be before Valid From."), frappe.ValidationError)

	def validate_scope(self):
		"""An SLA covers one customer, or one customer group, or (default) every incident that no
		customer or group agreement covers; an OLA / UC covers one support group's work."""
		group = self.get("sla_customer_group")  # custom field, present when ERPNext is installed
		if self.agreement_type == "SLA":
			self.support_group = None
			if self.customer and group:
				frappe.throw(
					_(
						"An SLA is for one customer or for one customer group: clear one of {0} and {1}."
					).format(self.customer, group),
					frappe.ValidationError,
				)
			if self.is_default and (self.customer or group):
				frappe.throw(
					_(
						"A default SLA applies to the incidents that no customer or customer group agreement "
						"covers: clear {0}, or untick Default."
					).format(self.customer or group),
					frappe.ValidationError,
				)
			if not (self.is_default or self.customer or group):
				frappe.msgprint(
					_(
						"{0} names no customer or customer group and is not the default SLA: no incident will get it."
					).format(self.agreement_name),
					indicator="orange",
					alert=True,
				)
			return
		self.is_default = 0
		self.customer_type = self.customer = None
		if group:
			self.sla_customer_group = None
		if not self.support_group:
			frappe.throw(
				_("An {0} times a support group's work: choose the support group.").format(
					self.agreement_type
				),
				frappe.ValidationError,
			)
		external = frappe.db.get_value("ITIL Support Group", self.support_group, "is_external")
		if self.agreement_type == "UC" and not external:
			frappe.throw(
				_(
					"An underpinning contract (UC) binds an external supplier: {0} is an internal group, use an OLA."
				).format(self.support_group),
				frappe.ValidationError,
			)
		if self.agreement_type == "OLA" and external:
			frappe.throw(
				_(
					"{0} is an external supplier: its agreement is an underpinning contract (UC), not an OLA."
				).format(self.support_group),
				frappe.ValidationError,
			)

	def validate_targets(self):
		if not self.targets:
			frappe.throw(
				_("Add at least one target (priority, response and resolution time)."), frappe.ValidationError
			)
		seen = set()
		for row in self.targets:
			if row.priority in seen:
				frappe.throw(
					_("Row {0}: priority {1} has two targets.").format(row.idx, row.priority),
					frappe.ValidationError,
				)
			seen.add(row.priority)
			# durations sent as text through the API are still numbers
			row.response_time, row.resolution_time = flt(row.response_time), flt(row.resolution_time)
			if row.response_time <= 0 or row.resolution_time <= 0:
				frappe.throw(
					_("Row {0}: response and resolution times must be positive.").format(row.idx),
					frappe.ValidationError,
				)
			if row.resolution_time < row.response_time:
				frappe.throw(
					_("Row {0}: resolution time cannot be shorter than response time.").format(row.idx),
					frappe.ValidationError,
				)

	def on_update(self):
		selection.forget_candidates()  # the agreements an incident may be given are cached
		onboarding.check_off(self)
		retiming.on_agreement_change(self)  # open incidents' deadlines follow its targets now

	def on_trash(self):
		selection.forget_candidates()

	def after_rename(self, old: str, new: str, merge: bool = False):
		selection.forget_candidates()
