# Copyright (c) 2026, itil_crm contributors
# For license information, please see license.txt

import json
from urllib.parse import quote, urlparse

import frappe
from frappe import _
from frappe.utils import cint, flt

from itil_crm.frappe_fixes.json_text import SanitizedDocument


class ITILSupplierConnector(SanitizedDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		auth_header: DF.Data | None
		auth_type: DF.Literal["None", "Header Token", "Basic"]
		backoff_seconds: DF.Float
		callback_secret: DF.Password | None
		enabled: DF.Check
		endpoint_url: DF.Data
		max_attempts: DF.Int
		method: DF.Literal["POST", "PUT"]
		password: DF.Password | None
		payload_template: DF.Code | None
		reference_path: DF.Data | None
		support_group: DF.Link
		timeout_seconds: DF.Float
		token: DF.Password | None
		username: DF.Data | None

	# end: auto-generated types

	def validate(self):
		if not frappe.db.get_value("ITIL Support Group", self.support_group, "is_external"):
			frappe.throw(
				_(
					"{0} is not an external support group: only a supplier's group (UC) has a connector."
				).format(self.support_group),
				frappe.ValidationError,
			)
		url = urlparse(self.endpoint_url or "")
		if url.scheme not in ("http", "https") or not url.netloc:
			frappe.throw(_("The endpoint URL must be an http or https URL."), frappe.ValidationError)
		if flt(self.timeout_seconds) <= 0 or flt(self.timeout_seconds) > 120:
			frappe.throw(_("The timeout is between 0 and 120 seconds."), frappe.ValidationError)
		if not 1 <= cint(self.max_attempts) <= 20:
			frappe.throw(_("Attempts before failing: from 1 to 20."), frappe.ValidationError)
		if flt(self.backoff_seconds) < 0:
			frappe.throw(_("The first retry cannot come before the send."), frappe.ValidationError)
		self.check_template()

	def check_template(self):
		"""The payload template must render JSON for a sample incident."""
		sample = frappe._dict(
			name="INC-SAMPLE",
			subject="Sample",
			status="Assigned",
			priority="P2 High",
			description="",
			effective_impact="High",
			effective_urgency="High",
			configuration_item=None,
		)
		context = {
			"incident": sample,
			"leg": frappe._dict(supplier_reference=None, due_by=None),
			"exchange": frappe._dict(event="Create", idempotency_key="sample"),
			"comment": None,
			"description": "",
		}
		try:
			json.loads(frappe.render_template(self.payload_template or "", context))
		except Exception as e:
			frappe.throw(
				_("The payload template does not render JSON for a sample incident: {0}").format(e),
				frappe.ValidationError,
			)

	def onload(self):
		self.set_onload(
			"callback_url",
			frappe.utils.get_url(
				"/api/method/itil_crm.service_level.supplier_callbacks.receive?connector=" + quote(self.name)
			),
		)
