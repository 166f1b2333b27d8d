"""Each OLA / UC leg is alerted once (ITIL Incident Leg.breach_alerted): the legs already breached were
alerted when they were marked. Idempotent."""

import frappe


def execute():
	frappe.reload_doctype("ITIL Incident Leg")
	leg = frappe.qb.DocType("ITIL Incident Leg")
	frappe.qb.update(leg).set(leg.breach_alerted, 1).where(
		(leg.breached == 1) & (leg.breach_alerted == 0)
	).run()
