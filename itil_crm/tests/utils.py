"""Helpers for the integration tests (run by `bench run-tests --app itil_crm` in a real site)."""

import frappe
from frappe.utils import random_string

# Doctypes of frappe / optional apps that our links reach: the tests build what they need
# themselves, so the runner must not try to build those apps' test records.
TEST_IGNORE = [
	"Asset", "Serial No", "Item", "Supplier", "Customer Group", "Customer", "HD Customer",
	"HD Ticket", "Issue", "Contact", "User", "DocType",
]  # fmt: skip


def first_selection_order() -> int:
	"""A selection order that puts a test's default SLA before every default SLA the site holds."""
	lowest = frappe.db.sql(
		"""select min(selection_order) from `tabITIL Service Agreement`
		where agreement_type = 'SLA' and is_default = 1 and enabled = 1"""
	)[0][0]
	return min(lowest if lowest is not None else 10, 10) - 10


def make_ci(name=None, ci_type="Application", environment="Production", criticality="Medium", **kw):
	return frappe.get_doc(
		{
			"doctype": "ITIL Configuration Item",
			"ci_name": name or f"_Test CI {random_string(6)}",
			"ci_type": ci_type,
			"environment": environment,
			"criticality": criticality,
			**kw,
		}
	).insert()


def make_incident(**kw):
	values = {
		"doctype": "ITIL Incident",
		"subject": f"_Test incident {random_string(6)}",
		"impact": "Medium",
		"urgency": "Medium",
		"channel": "Portal",  # its default urgency (Low) never raises the one given
	}
	values.update(kw)
	return frappe.get_doc(values).insert()


def make_problem(**kw):
	return frappe.get_doc(
		{"doctype": "ITIL Problem", "title": f"_Test problem {random_string(6)}", **kw}
	).insert()


def make_known_error(**kw):
	return frappe.get_doc(
		{
			"doctype": "ITIL Known Error",
			"title": f"_Test known error {random_string(6)}",
			"symptoms": "Slow searches",
			"workaround": "Re-index",
			**kw,
		}
	).insert()


def move(doc, *statuses, **values):
	for status in statuses:
		doc.status = status
		doc.update(values.pop(status, {}))
		doc.save()
	return doc


def user_with_roles(*roles, prefix="itil-test", user_type="System User"):
	email = f"{prefix}-{random_string(8).lower()}@example.com"
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Test",
			"send_welcome_email": 0,
			"user_type": user_type,
			"roles": [{"role": r} for r in roles],
		}
	).insert(ignore_permissions=True)
	return user.name


def history_of(doctype: str, incident: str, order_by: str = "idx asc") -> list:
	"""An incident's history records (legs, escalations, clock events), oldest first."""
	return frappe.get_all(doctype, filters={"incident": incident}, fields=["*"], order_by=order_by)


def legs_of(incident: str) -> list:
	return history_of("ITIL Incident Leg", incident)


def events_of(incident: str) -> list:
	return history_of("ITIL SLA Event", incident)


def escalations_of(incident: str) -> list:
	return history_of("ITIL Escalation", incident, order_by="creation asc, idx asc")


def timeline_notes(incident: str, text: str) -> int:
	"""How many lines of the incident's timeline (Info comments) say ``text``."""
	return frappe.db.count(
		"Comment",
		{
			"reference_doctype": "ITIL Incident",
			"reference_name": incident,
			"comment_type": "Info",
			"content": ["like", f"%{text}%"],
		},
	)
