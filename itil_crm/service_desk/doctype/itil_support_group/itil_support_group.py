# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _

from itil_crm import onboarding
from itil_crm.frappe_fixes.json_text import SanitizedDocument
from itil_crm.service_desk import assignment, boards


class ITILSupportGroup(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from itil_crm.service_desk.doctype.itil_support_group_member.itil_support_group_member import (
			ITILSupportGroupMember,
		)

		assignment: DF.Literal["Off", "Round Robin", "Load Balancing"]
		assignment_rule: DF.Link | None
		escalation_group: DF.Link | None
		group_email: DF.Data | None
		group_lead: DF.Link | None
		group_name: DF.Data
		is_external: DF.Check
		members: DF.Table[ITILSupportGroupMember]
		service_agreement: DF.Link | None
		supplier_name: DF.Data | None
		tier: DF.Int
	# end: auto-generated types

	def validate(self):
		if not self.is_external and self.tier not in (1, 2, 3):
			frappe.throw(_("Tier must be 1, 2 or 3."), frappe.ValidationError)
		if self.escalation_group and self.escalation_group == self.name:
			frappe.throw(_("A support group cannot escalate to itself."), frappe.ValidationError)
		users = [m.user for m in self.members]
		if len(users) != len(set(users)):
			frappe.throw(_("A user is listed twice among the members."), frappe.ValidationError)
		if self.service_agreement:
			kind = frappe.db.get_value("ITIL Service Agreement", self.service_agreement, "agreement_type")
			wanted = "UC" if self.is_external else "OLA"
			if kind != wanted:
				frappe.throw(
					_("{0} is an {1}; this group's agreement must be an {2}.").format(
						self.service_agreement, kind, wanted
					),
					frappe.ValidationError,
				)

	def on_update(self):
		assignment.sync_rule(self)  # its members receive its incidents through Frappe's Assignment Rule
		boards.add_group_column(self)  # its column on the incidents' Kanban board
		onboarding.check_off(self)

	def on_trash(self):
		assignment.remove_rule(self)
		boards.drop_group_column(self)

	def after_rename(self, old: str, new: str, merge: bool = False):
		boards.rename_group_column(self, old=old, new=new, merge=merge)
