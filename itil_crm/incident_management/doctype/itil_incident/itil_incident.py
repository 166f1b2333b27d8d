# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from itil_crm.api_guards import checked
from itil_crm.deadlocks import retried
from itil_crm.engines.lifecycle import INCIDENT
from itil_crm.incident_management import numbering
from itil_crm.incident_management.priority import check_override_allowed, decide
from itil_crm.integrations.apps import validate_customer, validate_source
from itil_crm.lifecycle import enforce
from itil_crm.service_desk import callers, escalation
from itil_crm.service_level import child_rows, incident_clock
from itil_crm.service_level import time as service_time
from itil_crm.service_level.legs import update_legs
from itil_crm.service_transition import warranty

ESCALATION_ATTEMPTS = 4


class ITILIncident(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.configuration_management.doctype.itil_affected_ci.itil_affected_ci import ITILAffectedCI
		from itil_crm.service_desk.doctype.itil_escalation.itil_escalation import ITILEscalation
		from itil_crm.service_level.doctype.itil_incident_leg.itil_incident_leg import ITILIncidentLeg
		from itil_crm.service_level.doctype.itil_sla_event.itil_sla_event import ITILSLAEvent

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
		escalations: DF.Table[ITILEscalation]
		event_severity: DF.Data | None
		first_responded_on: DF.Datetime | None
		impact: DF.Link
		known_error: DF.Link | None
		legs: DF.Table[ITILIncidentLeg]
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
		sla_events: DF.Table[ITILSLAEvent]
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

	def autoname(self):
		"""Frappe's naming series, its counter advanced in one statement (incident_management.numbering)."""
		numbering.name_incident(self)

	def _set_defaults(self):
		"""Frappe's defaults, a child table's defaults built only when it has new rows to fill (Frappe builds
		them for every table on every insert: four deep copies, for tables that are still empty then)."""
		if frappe.flags.in_import:
			return
		if self.is_new():
			self.update_if_missing(frappe.new_doc(self.doctype, as_dict=True))
		for df in self.meta.get_table_fields():
			rows = [row for row in self.get(df.fieldname) or () if row.is_new()]
			if rows:
				defaults = frappe.new_doc(df.options, parent_doc=self, parentfield=df.fieldname, as_dict=True)
				for row in rows:
					row.update_if_missing(defaults)

	def db_insert(self, *args, **kwargs):
		"""The incident's row, then the rows this save added, one statement per table (child_rows)."""
		result = super().db_insert(*args, **kwargs)
		for field in child_rows.TABLES:
			child_rows.write(self, field)
		return result

	def update_child_table(self, fieldname: str, df=None):
		"""Frappe rewrites every row of a table on save and deletes the rows missing from the form with one
		DELETE over the parent's index range, which locks the gap after the newest incident: concurrent
		saves of recent incidents then deadlock on their inserts. Here every statement goes by primary key
		(rows updated, new rows inserted, the missing ones deleted by name: child_rows). The event log and
		the escalation history only grow: a form loaded before a sweep added rows never erases them."""
		if fieldname not in child_rows.APPEND_ONLY:
			rows = self.get(fieldname) or []
			if fieldname in child_rows.GROWING:
				child_rows.number_new_rows(self, fieldname)
			for row in rows:
				row.db_update()
			child = (df or self.meta.get_field(fieldname)).options
			if fieldname not in child_rows.GROWING and child not in (self.flags.ignore_children_type or ()):
				child_rows.delete_missing(self, fieldname, [row.name for row in rows])
		if fieldname in child_rows.TABLES:
			child_rows.write(self, fieldname)

	def before_validate(self):
		"""Fill what the caller did not give: urgency from the channel, then the defaults of ITIL Settings
		(incidents logged from a mailbox arrive with a subject and a sender only)."""
		if not self.urgency and self.channel:
			self.urgency = frappe.get_cached_value("ITIL Channel", self.channel, "default_urgency")
		if not (self.impact and self.urgency):
			settings = frappe.get_cached_doc("ITIL Settings")
			self.impact = self.impact or settings.default_impact
			self.urgency = self.urgency or settings.default_urgency
		self.opened_on = self.opened_on or service_time.naive(service_time.now())
		# the group's tier, from the cached group (a fetch_from would query the group on every save)
		self.tier = (
			frappe.get_cached_value("ITIL Support Group", self.support_group, "tier") or 0
			if self.support_group
			else 0
		)
		if self.is_new():  # a mail, a ticket or an API call may give the caller's email alone
			self.flags.identify_notes = callers.identify(self)

	def after_insert(self):
		for note in self.flags.identify_notes or []:
			self.add_comment("Info", note)

	def validate(self):
		if self.is_new() and service_time.aware(self.opened_on) > service_time.now():
			frappe.throw(
				_("Opened On ({0}) is in the future: an incident is opened now or earlier.").format(
					self.opened_on
				),
				frappe.ValidationError,
			)
		child_rows.own_event_log(self)
		previous = enforce(self, INCIDENT)
		validate_customer(self)
		validate_source(self)
		warranty.mark_incident(self)
		self.set_priority()
		self.track_resolution(previous)
		now = service_time.now()
		incident_clock.refresh(self, previous, now)
		update_legs(self, now)

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
		frappe.db.sql(
			"""update `tabITIL Known Error` set workaround_uses = ifnull(workaround_uses, 0) + 1,
			workaround_last_used = %s where name = %s""",
			(self.resolved_on or frappe.utils.now_datetime(), known_error),
		)
		return self.status

	def track_resolution(self, previous: str | None):
		if self.status in ("Resolved", "Closed") and not self.resolution_code:
			frappe.throw(_("Set a resolution code before resolving the incident."), frappe.ValidationError)
		now = service_time.naive(service_time.now())
		if self.status == "Resolved" and previous != "Resolved":
			self.resolved_on = now
		elif self.status not in ("Resolved", "Closed"):
			self.resolved_on = None  # reopened
		if self.status == "Closed" and previous != "Closed":
			self.closed_on = now
