"""The ITIL workspace's onboarding (Module Onboarding "ITIL Setup"): each step is checked off when
the admin does what it asks, wherever they do it (the step's button, the list, a data import), not
only through the onboarding widget. Saves made by install, migrate, patches, imports of fixtures and
the demo do not count: they are not the admin's choices."""

import frappe
from frappe import _

from itil_crm.frappe_fixes.whitelisted_arguments import JSONObject, checked

ONBOARDING = "ITIL Setup"
MAILBOX = "ITIL Connect a Mailbox or Helpdesk"
# doctype -> the onboarding steps a saved record of it may complete, each with its test
STEPS = {
	"ITIL Settings": [
		("ITIL Review the Priority Matrix", lambda doc: bool(doc.priority_matrix)),
		(MAILBOX, lambda doc: bool(doc.ticket_intake)),  # Helpdesk / ERPNext tickets raise incidents
	],
	"ITIL Service Calendar": [("ITIL Set the Service Calendar", lambda doc: bool(doc.holidays))],
	"ITIL Support Group": [("ITIL Define Support Groups", lambda doc: bool(doc.members))],
	"ITIL Service Agreement": [("ITIL Define Service Agreements", lambda doc: bool(doc.enabled))],
	"Email Account": [(MAILBOX, lambda doc: doc.append_to == "ITIL Incident")],
	"ITIL Configuration Item": [("ITIL Load Configuration Items", lambda doc: True)],
}


def step_names() -> list[str]:
	"""Every onboarding step of the app, once."""
	return list(dict.fromkeys(step for steps in STEPS.values() for step, _done in steps))


def _by_the_admin() -> bool:
	flags = frappe.flags
	return not (
		flags.in_install or flags.in_migrate or flags.in_patch or flags.in_fixtures or flags.itil_demo
	)


def check_off(doc, method=None):
	"""A record of one of the doctypes in STEPS was saved (its controller's on_update, or the doc event
	of Email Account): the steps it completes are checked off."""
	if not _by_the_admin():
		return
	for step, done in STEPS[doc.doctype]:
		if done(doc):
			mark_done(step)


def mark_done(step: str) -> None:
	if frappe.db.get_value("Onboarding Step", step, "is_complete") == 0:
		frappe.db.set_value("Onboarding Step", step, "is_complete", 1, update_modified=False)


@frappe.whitelist()
@frappe.read_only()
@checked
def get_desktop_page(page: JSONObject) -> dict:
	"""frappe.desk.desktop.get_desktop_page (hooks.py: override_whitelisted_methods), with the onboarding
	steps' descriptions in the user's language.

	Frappe 15 hole: a step's title reaches the desk translated (the server's label, the widget's
	__(step.title)) but its description as written, and the widget renders it without __(). The step's
	other texts are left to Frappe. test_desk.py::TestOnboarding::test_frappe_still_sends_the_descriptions
	_untranslated fails once Frappe translates them: then this override goes."""
	from frappe.desk.desktop import get_desktop_page as frappes

	if not isinstance(page.get("name"), str) or not page["name"]:
		frappe.throw(_("Name the workspace to open."), frappe.ValidationError)
	out = frappes(frappe.as_json(page) if isinstance(page, dict) else page)
	for onboarding in ((out or {}).get("onboardings") or {}).get("items") or []:
		for step in onboarding.get("items") or []:
			if step.get("description"):
				step["description"] = _(step["description"])
	return out
