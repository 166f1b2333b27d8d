# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import escape_html

from itil_crm import onboarding
from itil_crm.engines.monitoring_events import normal_host_name, normal_ip
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

		availability_target: DF.Percent
		ci_name: DF.Data
		ci_owner: DF.Link | None
		ci_type: DF.Link
		criticality: DF.Literal["Critical", "High", "Medium", "Low"]
		description: DF.TextEditor | None
		documentation_url: DF.Data | None
		host_name: DF.Data | None
		ip_address: DF.Data | None
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
		self.check_host()
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

	def check_host(self):
		"""Host name and IP address, matched with monitoring alerts, are kept in their normal form (lower
		case; an address as Python's ipaddress writes it); anything else is refused."""
		if (self.host_name or "").strip():
			host = normal_host_name(self.host_name)
			if not host or normal_ip(self.host_name):
				frappe.throw(
					_("Host Name {0} is not a host name (letters, digits, hyphens and dots).").format(
						frappe.bold(escape_html(self.host_name))
					),
					frappe.ValidationError,
				)
			self.host_name = host
		else:
			self.host_name = None
		if (self.ip_address or "").strip():
			address = normal_ip(self.ip_address)
			if not address:
				frappe.throw(
					_("IP Address {0} is not an IPv4 or IPv6 address.").format(
						frappe.bold(escape_html(self.ip_address))
					),
					frappe.ValidationError,
				)
			self.ip_address = address
		else:
			self.ip_address = None

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
