"""The ITIL workspace's onboarding (Module Onboarding "ITIL Setup"): each step is checked off when
the admin does what it asks, wherever they do it (the step's button, the list, a data import), not
only through the onboarding widget. Saves made by install, migrate, patches, imports of fixtures and
the demo do not count: they are not the admin's choices."""

import frappe

ONBOARDING = "ITIL Setup"
# doctype -> (onboarding step, does this saved record complete it?)
STEPS = {
	"ITIL Settings": ("ITIL Review the Priority Matrix", lambda doc: bool(doc.priority_matrix)),
	"ITIL Service Calendar": ("ITIL Set the Service Calendar", lambda doc: bool(doc.holidays)),
	"ITIL Support Group": ("ITIL Define Support Groups", lambda doc: bool(doc.members)),
	"ITIL Service Agreement": ("ITIL Define Service Agreements", lambda doc: bool(doc.enabled)),
	"Email Account": ("ITIL Connect a Mailbox or Helpdesk", lambda doc: doc.append_to == "ITIL Incident"),
	"ITIL Configuration Item": ("ITIL Load Configuration Items", lambda doc: True),
}


def _by_the_admin() -> bool:
	flags = frappe.flags
	return not (
		flags.in_install or flags.in_migrate or flags.in_patch or flags.in_fixtures or flags.itil_demo
	)


def on_save(doc, method=None):
	"""doc_events on_update of the doctypes in STEPS."""
	step, done = STEPS[doc.doctype]
	if doc.doctype == "ITIL Settings" and doc.ticket_intake:
		mark_done("ITIL Connect a Mailbox or Helpdesk")
	if _by_the_admin() and done(doc):
		mark_done(step)


def mark_done(step: str) -> None:
	if frappe.db.get_value("Onboarding Step", step, "is_complete") == 0:
		frappe.db.set_value("Onboarding Step", step, "is_complete", 1, update_modified=False)
