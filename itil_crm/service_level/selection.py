"""Which customer SLA applies to an incident: deterministic and explained (engines.agreement_selection)."""

import frappe
from frappe.utils import getdate

from itil_crm.engines.agreement_selection import Candidate, Selection, select_agreement
from itil_crm.integrations.apps import is_installed

CANDIDATES_KEY = "itil_crm:sla_candidates"
CANDIDATES_TTL = 3600  # seconds in Redis; a save or deletion of an agreement forgets them at once


def candidates() -> list[Candidate]:
	"""Every SLA that may be selected, from the cache (read once, then again after an agreement changes)."""
	found = frappe.cache.get_value(CANDIDATES_KEY)  # then kept for the rest of the request
	if found is None:
		found = read_candidates()
		frappe.cache.set_value(CANDIDATES_KEY, found, expires_in_sec=CANDIDATES_TTL)
	return found


def forget_candidates(doc=None, method=None, *args) -> None:
	"""ITIL Service Agreement saved, renamed or deleted: forget the cached candidates now, and again when the
	transaction ends (another request may have cached them in between; a rollback undoes the change)."""
	frappe.cache.delete_value(CANDIDATES_KEY)
	for hooks in (frappe.db.after_commit, frappe.db.after_rollback):
		hooks.add(_forget)


def _forget() -> None:
	frappe.cache.delete_value(CANDIDATES_KEY)


def read_candidates() -> list[Candidate]:
	"""Every SLA that may be selected, read from the database."""
	group = (
		", sla_customer_group as customer_group"
		if frappe.get_meta("ITIL Service Agreement").has_field("sla_customer_group")
		else ""
	)
	rows = frappe.db.sql(
		f"""select name, selection_order, customer_type, customer, is_default, enabled, valid_from,
			valid_until{group}
		from `tabITIL Service Agreement` where agreement_type = 'SLA'""",
		as_dict=True,
	)
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


def customer_groups_of(customer_type: str | None, customer: str | None) -> tuple[str, ...]:
	"""An ERPNext customer's group and the groups above it, nearest first (one query on the group tree)."""
	if customer_type != "Customer" or not customer or not is_installed("erpnext"):
		return ()
	customer_row = frappe.qb.DocType("Customer")
	group = frappe.qb.DocType("Customer Group")
	above = frappe.qb.DocType("Customer Group").as_("above")
	rows = (
		frappe.qb.from_(customer_row)
		.join(group)
		.on(group.name == customer_row.customer_group)
		.join(above)
		.on((above.lft <= group.lft) & (above.rgt >= group.rgt))
		.select(above.name)
		.where(customer_row.name == customer)
		.orderby(above.lft, order=frappe.qb.desc)
	).run()
	return tuple(r[0] for r in rows)


def select_for(doc) -> Selection:
	found = candidates()
	return select_agreement(
		found,
		doc.customer_type,
		doc.customer,
		# no query when no agreement is for a customer group
		customer_groups_of(doc.customer_type, doc.customer) if any(c.customer_group for c in found) else (),
		getdate(doc.opened_on),
	)
