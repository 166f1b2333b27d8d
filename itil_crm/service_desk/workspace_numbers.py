"""The numbers of the ITIL workspace that a filter alone cannot say (Number Cards of type Custom).

Each answers with one indexed count among the incidents the user may read (itil_crm.queries, as for the
other cards), and tells the card where a click leads: the incident list, filtered the same way.
"""

import frappe
from frappe.utils import add_to_date, now_datetime

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.frappe_fixes.whitelisted_arguments import Filters, checked
from itil_crm.queries import permitted_count

RUNNING = [status for status in OPEN_STATUSES if status != "On Hold"]  # On Hold: the clock is paused


@frappe.whitelist()
@checked
def at_risk(filters: Filters | None = None) -> dict:
	"""Open incidents not breached yet whose resolution falls due within the hour."""
	now = now_datetime()
	conditions = [
		["status", "in", RUNNING],
		["sla_status", "in", ["On Track", "Warning"]],
		["resolution_by", "between", [now, add_to_date(now, hours=1)]],
	]
	return _count(conditions)


def _count(conditions: list) -> dict:
	return {
		"value": permitted_count("ITIL Incident", conditions),
		"fieldtype": "Int",
		"route": ["List", "ITIL Incident"],
		"route_options": {field: [op, value] for field, op, value in conditions},
	}
