"""Which optional apps are on this site, and the doctypes they contribute."""

import frappe
from frappe import _

from itil_crm.integrations.custom_fields import CUSTOMER_DOCTYPES, SOURCE_DOCTYPES


def is_installed(app: str) -> bool:
	return app in frappe.get_installed_apps()


def available(mapping: dict[str, str]) -> list[str]:
	"""The doctypes of ``mapping`` (app -> doctype) whose app is installed on this site."""
	return [doctype for app, doctype in mapping.items() if is_installed(app)]


def validate_dynamic_link(doc, type_field: str, name_field: str, mapping: dict[str, str], what: str) -> None:
	"""A Dynamic Link pair may only point at the doctypes of ``mapping`` whose app is installed."""
	doctype = doc.get(type_field)
	if not doctype:
		if doc.get(name_field):
			frappe.throw(_("Choose the {0} type before the {0}.").format(_(what)), frappe.ValidationError)
		return
	allowed = available(mapping)
	if doctype not in allowed:
		frappe.throw(
			_("{0} type must be one of: {1} (got {2}).").format(
				_(what), ", ".join(allowed) or _("none: install ERPNext or Helpdesk"), doctype
			),
			frappe.ValidationError,
		)


def validate_customer(doc) -> None:
	validate_dynamic_link(doc, "customer_type", "customer", CUSTOMER_DOCTYPES, "Customer")


def validate_source(doc) -> None:
	validate_dynamic_link(doc, "source_type", "source_name", SOURCE_DOCTYPES, "Source ticket")
	changed = doc.is_new() or doc.has_value_changed("source_type") or doc.has_value_changed("source_name")
	if changed and doc.get("source_type") and doc.get("source_name"):
		other = frappe.db.get_value(
			doc.doctype,
			{"source_type": doc.source_type, "source_name": doc.source_name, "name": ["!=", doc.name or ""]},
		)
		if other:
			frappe.throw(
				_("{0} {1} already has its incident: {2}.").format(doc.source_type, doc.source_name, other),
				frappe.UniqueValidationError,
			)
