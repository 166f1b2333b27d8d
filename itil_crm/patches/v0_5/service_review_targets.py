"""The service review's targets (ITIL Settings, section "Service review targets") on existing sites: each
target never stored gets its default; a value already set is kept. Idempotent."""

import frappe

from itil_crm.engines.service_kpis import CATALOGUE


def execute():
	frappe.reload_doctype("ITIL Settings")
	s = frappe.qb.DocType("Singles")
	fields = {k.target_field: k.default_target for k in CATALOGUE if k.target_field}
	stored = set(
		frappe.qb.from_(s)
		.select(s.field)
		.where((s.doctype == "ITIL Settings") & s.field.isin(list(fields)))
		.run(pluck=True)
	)
	for field, default in fields.items():
		if field not in stored and default is not None:
			frappe.db.set_single_value("ITIL Settings", field, default)
