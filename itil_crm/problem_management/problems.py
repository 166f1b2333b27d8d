"""Problems at work from the incident list: many incidents linked to one problem in one action."""

import frappe
from frappe import _

from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.record_access import record

MAX_INCIDENTS = 500


@frappe.whitelist(methods=["POST"])
@checked
def link_incidents(problem: str, incidents: list[str] | str) -> int:
	"""Link the incidents to the problem (their Problem field), checking write permission on each;
	returns how many changed. One comment on the problem lists them."""
	try:
		names = frappe.parse_json(incidents) if isinstance(incidents, str) else incidents
	except ValueError:
		names = None
	if isinstance(names, str):
		names = [names]
	if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not names:
		frappe.throw(_("Choose the incidents to link."), frappe.ValidationError)
	if len(names) > MAX_INCIDENTS:
		frappe.throw(_("Link {0} incidents at most at once.").format(MAX_INCIDENTS), frappe.ValidationError)
	if record("ITIL Problem", problem).status == "Closed":
		frappe.throw(_("Problem {0} is closed.").format(problem), frappe.ValidationError)
	changed = []
	for name in dict.fromkeys(names):
		if not frappe.db.exists("ITIL Incident", name):
			frappe.throw(_("ITIL Incident {0} does not exist.").format(name), frappe.DoesNotExistError)
		incident = frappe.get_doc("ITIL Incident", name)
		incident.check_permission("write")
		if incident.problem != problem:
			incident.problem = problem
			incident.save()
			changed.append(name)
	if changed:
		frappe.get_doc("ITIL Problem", problem).add_comment(
			"Info", _("Linked from the incident list: {0}").format(", ".join(changed))
		)
	return len(changed)
