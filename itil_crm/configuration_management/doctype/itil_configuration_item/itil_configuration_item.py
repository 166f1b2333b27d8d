# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _

from itil_crm import onboarding
from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILConfigurationItem(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.configuration_management.doctype.itil_ci_relationship.itil_ci_relationship import (
			ITILCIRelationship,
		)

		ci_name: DF.Data
		ci_owner: DF.Link | None
		ci_type: DF.Link
		criticality: DF.Literal["Critical", "High", "Medium", "Low"]
		description: DF.TextEditor | None
		documentation_url: DF.Data | None
		environment: DF.Literal["Production", "Test", "Development"]
		lifecycle_status: DF.Literal[
			"Planned", "In Development", "In Test", "Operational", "Under Maintenance", "Retired"
		]
		location: DF.Data | None
		naming_series: DF.Literal["CI-.#####"]
		published_on_portal: DF.Check
		relationships: DF.Table[ITILCIRelationship]
		support_group: DF.Link | None
		version: DF.Data | None
	# end: auto-generated types

	def validate(self):
		seen = set()
		for row in self.relationships:
			if row.target_ci == self.name:
				frappe.throw(
					_("Row {0}: a configuration item cannot relate to itself.").format(row.idx),
					frappe.ValidationError,
				)
			key = (row.relationship_type, row.target_ci)
			if key in seen:
				frappe.throw(
					_("Row {0}: {1} {2} is listed twice.").format(
						row.idx, _(row.relationship_type), row.target_ci
					),
					frappe.ValidationError,
				)
			seen.add(key)
		self.refuse_retired_targets()

	def refuse_retired_targets(self):
		"""A new relationship to a retired CI is refused; one that was there before it retired stays."""
		before = self.get_doc_before_save()
		kept = {(r.relationship_type, r.target_ci) for r in before.relationships} if before else set()
		new = [r for r in self.relationships if (r.relationship_type, r.target_ci) not in kept]
		if not new:
			return
		retired = set(
			frappe.get_all(
				"ITIL Configuration Item",
				filters={"name": ["in", [r.target_ci for r in new]], "lifecycle_status": "Retired"},
				pluck="name",
			)
		)
		for row in new:
			if row.target_ci in retired:
				frappe.throw(
					_("Row {0}: {1} is retired; a new relationship cannot point to it.").format(
						row.idx, row.target_ci
					),
					frappe.ValidationError,
				)

	def on_update(self):
		onboarding.check_off(self)
