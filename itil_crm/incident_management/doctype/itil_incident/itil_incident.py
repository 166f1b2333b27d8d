# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

"""The ITIL incident. Its save reads top to bottom in this class: each step is a call into the practice
module that owns it, and what a step finds for a later one is returned and kept here for the rest of
the save (``SaveState``)."""

from dataclasses import dataclass, field

import frappe
from frappe import _

from itil_crm.engines.lifecycle import INCIDENT
from itil_crm.frappe_fixes.deadlocks import retried
from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.incident_management import duplicates, history, numbers
from itil_crm.incident_management.priority import check_override_allowed, decide
from itil_crm.integrations.apps import validate_customer, validate_source
from itil_crm.lifecycle import enforce
from itil_crm.service_desk import assignment, callers, escalation, monitoring_events
from itil_crm.service_level import incident_clock, site_time, sla_alerts, supplier_connector
from itil_crm.service_level.event_log import EventLog
from itil_crm.service_level.legs import Legs, update_legs
from itil_crm.service_transition import warranty
from itil_crm.ticket_bridge import sync as ticket_sync

ESCALATION_ATTEMPTS = 2  # a deadlock with another escalation: retried once


@dataclass
class SaveState:
	"""What one save of an incident carries from its validation to its writing."""

	now: object = None
	previous_status: str | None = None
	timeline: list[str] = field(default_factory=list)  # notes for the timeline, once the incident is written
	log: EventLog | None = None  # the SLA event log, with this save's new events
	legs: Legs | None = None  # the OLA / UC legs, with this save's changes
	leg_breaches: list = field(default_factory=list)  # breaches this save recorded first
	first_response: tuple | None = None  # a first reply to the caller made outside the form (when, what)


class ITILIncident(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.configuration_management.doctype.itil_affected_ci.itil_affected_ci import ITILAffectedCI

		affected_cis: DF.Table[ITILAffectedCI]
		agreement_reason: DF.SmallText | None
		caller: DF.Link | None
		caller_email: DF.Data | None
		caller_phone: DF.Data | None
		channel: DF.Link | None
		ci_criticality: DF.Data | None
		closed_on: DF.Datetime | None
		configuration_item: DF.Link | None
		customer: DF.DynamicLink | None
		customer_type: DF.Link | None
		description: DF.TextEditor | None
		duplicate_of: DF.Link | None
		effective_impact: DF.Link | None
		effective_urgency: DF.Link | None
		event_severity: DF.Data | None
		first_responded_on: DF.Datetime | None
		impact: DF.Link
		known_error: DF.Link | None
		naming_series: DF.Literal["INC-.YYYY.-"]
		next_sla_check: DF.Datetime | None
		opened_on: DF.Datetime | None
		override_reason: DF.SmallText | None
		paused_seconds: DF.Duration | None
		possible_duplicates: DF.SmallText | None
		priority: DF.Link | None
		priority_override: DF.Link | None
		priority_reason: DF.SmallText | None
		problem: DF.Link | None
		resolution_by: DF.Datetime | None
		resolution_code: DF.Literal[
			"",
			"Workaround Applied",
			"Permanent Fix",
			"Configuration Change",
			"User Error",
			"Duplicate",
			"No Fault Found",
			"Cancelled by Caller",
			"Resolved by Monitoring",
		]
		resolution_elapsed: DF.Duration | None
		resolution_notes: DF.TextEditor | None
		resolved_on: DF.Datetime | None
		response_by: DF.Datetime | None
		response_elapsed: DF.Duration | None
		service_agreement: DF.Link | None
		sla_notified: DF.SmallText | None
		sla_status: DF.Literal["", "On Track", "Warning", "Paused", "Breached", "Met", "Missed"]
		source_name: DF.DynamicLink | None
		source_type: DF.Link | None
		status: DF.Literal["New", "Assigned", "In Progress", "On Hold", "Resolved", "Closed", "Cancelled"]
		subject: DF.Data
		support_group: DF.Link | None
		tier: DF.Int
		urgency: DF.Link
		warranty_go_live: DF.Link | None
	# end: auto-generated types

	# ------------------------------------------------------------------ the save, step by step

	def autoname(self):
		"""INC-<year>-<number> from the year's sequence (no lock held to the end of the request), else
		Frappe's naming series (incident_management/numbers.py)."""
		if name := numbers.next_name(self):
			self.name = name

	def before_validate(self):
		super().before_validate()  # text sanitized even when it parses as JSON (frappe_fixes.json_text)
		self.save_state = None
		self.fill_defaults()
		if self.is_new():  # a mail, a ticket or an API call may give the caller's email alone
			self.current_save().timeline += callers.identify(self)

	def validate(self):
		state = self.current_save()
		self.check_opened_on(state.now)
		state.previous_status = enforce(self, INCIDENT)  # the lifecycle allows the move asked for
		validate_customer(self)
		validate_source(self)
		state.timeline += warranty.mark_incident(self)  # a covered CI: warranty incident, maybe rerouted
		state.timeline += assignment.take_into_group(self)  # New -> Assigned where the group's rule assigns
		self.set_tier()
		self.set_priority()
		self.track_resolution(state.previous_status)
		state.log, state.legs = EventLog.read(self), Legs.read(self)
		incident_clock.refresh(self, state.log, state.previous_status, state.now, state.first_response)
		state.leg_breaches = update_legs(self, state.legs, state.log.events(), state.now)
		duplicates.note_possible_duplicates(self)

	def on_update(self):
		"""After the incident's row is written (insert or save): its history, its timeline, its tickets,
		suppliers and monitoring alerts, and the OLA / UC breaches this save recorded."""
		state = self.current_save()
		if state.log is None:  # saved with ignore_validate: nothing was recomputed, nothing to write
			return
		state.log.write(self.name)
		state.legs.write(self.name)
		for note in state.timeline:
			self.add_comment("Info", note)
		ticket_sync.push_to_tickets(self)
		supplier_connector.on_incident_saved(self, state.legs.rows)
		monitoring_events.end_episode(self)
		sla_alerts.alert_leg_breaches(self, state.leg_breaches, state.now)
		if self.status == "Resolved" and state.previous_status != "Resolved":
			for method in frappe.get_hooks("itil_incident_resolved"):  # the caller's mail (hooks.py)
				frappe.get_attr(method)(self)
		state.timeline, state.leg_breaches = [], []

	def on_trash(self):
		history.forget(self.name)

	def onload(self):
		"""The form shows the incident's history (legs, escalations, clock events) to those who may read it."""
		self.set_onload("history", history.for_form(self.name))

	# ------------------------------------------------------------------ the steps

	def fill_defaults(self):
		"""What the caller did not give: urgency from the channel, then the defaults of ITIL Settings
		(incidents logged from a mailbox arrive with a subject and a sender only)."""
		if not self.urgency and self.channel:
			self.urgency = frappe.get_cached_value("ITIL Channel", self.channel, "default_urgency")
		if not (self.impact and self.urgency):
			settings = frappe.get_cached_doc("ITIL Settings")
			self.impact = self.impact or settings.default_impact
			self.urgency = self.urgency or settings.default_urgency
		self.opened_on = self.opened_on or site_time.naive(self.current_save().now)

	def set_tier(self):
		"""The group's tier, from the cached group (a fetch_from would query the group on every save)."""
		self.tier = (
			frappe.get_cached_value("ITIL Support Group", self.support_group, "tier") or 0
			if self.support_group
			else 0
		)

	def check_opened_on(self, now):
		if self.is_new() and site_time.aware(self.opened_on) > now:
			frappe.throw(
				_("Opened On ({0}) is in the future: an incident is opened now or earlier.").format(
					self.opened_on
				),
				frappe.ValidationError,
			)

	def set_priority(self):
		check_override_allowed(self)
		decision = decide(self)
		if not decision.priority:
			frappe.throw(
				_(
					"No priority is set for impact {0} x urgency {1}: complete the matrix in ITIL Settings."
				).format(decision.impact, decision.urgency),
				frappe.ValidationError,
			)
		self.priority = decision.priority
		self.effective_impact, self.effective_urgency = decision.impact, decision.urgency
		self.priority_reason = "\n".join(decision.reasons)

	def track_resolution(self, previous: str | None):
		if self.status in ("Resolved", "Closed") and not self.resolution_code:
			frappe.throw(_("Set a resolution code before resolving the incident."), frappe.ValidationError)
		now = site_time.naive(self.current_save().now)
		if self.status == "Resolved" and previous != "Resolved":
			self.resolved_on = now
		elif self.status not in ("Resolved", "Closed"):
			self.resolved_on = None  # reopened
		if self.status == "Closed" and previous != "Closed":
			self.closed_on = now

	def current_save(self) -> SaveState:
		"""What this save carries from step to step (begun by before_validate, or by validate when a caller
		runs it alone)."""
		if getattr(self, "save_state", None) is None:
			self.save_state = SaveState(now=site_time.now(), first_response=self.pending_first_response())
		return self.save_state

	def record_first_response(self, at, via: str | None = None):
		"""A first reply to the caller made outside the form (a mail sent on the incident or its ticket):
		logged by the next save as the incident's first response."""
		self.flags.first_response = (at, via)

	def pending_first_response(self):
		return self.flags.pop("first_response", None)

	# ------------------------------------------------------------------ actions

	@frappe.whitelist()
	@checked
	def escalate(self, to_group: str | None = None, reason: str | None = None):
		"""Functional escalation: to the next tier (the group's Escalates To) or to a chosen group."""
		self.check_permission("write")
		# two escalations writing their legs at the same moment: the loser, rolled back whole, runs again on
		# the incident as it now is (nothing of the first attempt is kept)
		retried(lambda: escalation.escalate(self, to_group, reason), ESCALATION_ATTEMPTS, again=self.reload)
		return self.support_group

	@frappe.whitelist()
	@checked
	def apply_known_error(self, known_error: str):
		"""Resolve at the current tier with a documented workaround (no escalation needed)."""
		self.check_permission("write")
		workaround = frappe.db.get_value("ITIL Known Error", known_error, "workaround")
		if not workaround:
			frappe.throw(
				_("Known error {0} documents no workaround to apply.").format(known_error),
				frappe.ValidationError,
			)
		self.known_error = known_error
		self.resolution_code = "Workaround Applied"
		self.resolution_notes = workaround
		if self.status not in ("Resolved", "Closed"):
			self.status = "Resolved"
		self.save()
		# the known error counts its uses, so the most useful workarounds can be ranked (one statement)
		known = frappe.qb.DocType("ITIL Known Error")
		(
			frappe.qb.update(known)
			.set(known.workaround_uses, frappe.query_builder.functions.IfNull(known.workaround_uses, 0) + 1)
			.set(known.workaround_last_used, self.resolved_on or frappe.utils.now_datetime())
			.where(known.name == known_error)
		).run()
		return self.status
