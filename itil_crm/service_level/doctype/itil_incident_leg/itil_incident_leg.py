# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILIncidentLeg(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		agreement_type: DF.Data | None
		assigned_on: DF.Datetime
		breach_alerted: DF.Check
		breached: DF.Check
		caused_sla_breach: DF.Check
		due_by: DF.Datetime | None
		elapsed_seconds: DF.Duration | None
		incident: DF.Link
		is_external: DF.Check
		outcome: DF.Literal["Open", "Escalated", "Reassigned", "Resolved", "Cancelled"]
		released_on: DF.Datetime | None
		service_agreement: DF.Link | None
		supplier_reference: DF.Data | None
		support_group: DF.Link
		target_seconds: DF.Duration | None
		tier: DF.Int
	# end: auto-generated types

	pass


def on_doctype_update():
	"""The sweep looks for open, unbreached legs past due: an index range, not a table scan. The per-tier
	resolution rate counts each incident once per tier on a covering index."""
	frappe.db.add_index("ITIL Incident Leg", ["outcome", "breached", "due_by"], index_name="open_due_index")
	frappe.db.add_index(
		"ITIL Incident Leg", ["tier", "incident", "outcome", "assigned_on"], index_name="tier_index"
	)
