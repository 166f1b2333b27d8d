"""Which customer SLA applies to an incident: deterministic and explained (engines.agreement_selection)."""

import frappe
from frappe.utils import getdate

from itil_crm.engines.agreement_selection import Candidate, Selection, select_agreement
from itil_crm.integrations.apps import is_installed


def candidates() -> list[Candidate]:
	fields = [
		"name",
		"selection_order",
		"customer_type",
		"customer",
		"is_default",
		"enabled",
		"valid_from",
		"valid_until",
	]
	has_group = frappe.get_meta("ITIL Service Agreement").has_field("customer_group")
	if has_group:
		fields.append("customer_group")
	rows = frappe.get_all("ITIL Service Agreement", filters={"agreement_type": "SLA"}, fields=fields)
	return [
		Candidate(
			name=r.name,
			selection_order=r.selection_order or 0,
			customer_type=r.customer_type,
			customer=r.customer,
			customer_group=r.get("customer_group"),
			is_default=bool(r.is_default),
			enabled=bool(r.enabled),
			valid_from=getdate(r.valid_from) if r.valid_from else None,
			valid_until=getdate(r.valid_until) if r.valid_until else None,
		)
		for r in rows
	]


def customer_group_of(customer_type: str | None, customer: str | None) -> str | None:
	if customer_type == "Customer" and customer and is_installed("erpnext"):
		return frappe.db.get_value("Customer", customer, "customer_group")
	return None


def select_for(doc) -> Selection:
	return select_agreement(
		candidates(),
		doc.customer_type,
		doc.customer,
		customer_group_of(doc.customer_type, doc.customer),
		getdate(doc.opened_on),
	)
