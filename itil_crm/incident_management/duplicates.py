"""Possible duplicates of a newly logged incident, found through indexes, and the Merge action.

Indexed queries bound the candidates whatever the size of the table: the open incidents of the same
caller, or of the same customer, opened within the window of ITIL Settings (indexes caller +
opened_on, customer + opened_on; the most recent ``WINDOW_ROWS`` of each), and those of the same
configuration item within a short window. engines.duplicates scores that bounded set by the words
the subjects share; the best are stored on the incident (``possible_duplicates``) and shown on its
form. Merging resolves the newcomer as a duplicate of the master (its own clock stops there, the
master's is untouched), moves its tickets to the master, and tells its caller.
"""

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.utils import add_to_date, cint

from itil_crm.engines.duplicates import Candidate, MergeError, check_merge, ranked, words
from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.record_access import record
from itil_crm.ticket_bridge import sync as ticket_sync

LIMIT = 25  # candidates of the same CI
WINDOW_ROWS = 200  # most recent open incidents of the same caller / customer that are scored


def ensure_index():
	"""The columns candidates are found by, each with the opening time that bounds the window."""
	for columns in (["caller", "opened_on"], ["customer", "opened_on"], ["configuration_item", "opened_on"]):
		frappe.db.add_index("ITIL Incident", columns)


def candidates(doc) -> list[Candidate]:
	"""The open incidents of the same caller or customer within the window (the most recent of each), and
	those of the same CI within its shorter window: indexed queries, bounded whatever the table's size."""
	settings = frappe.get_cached_doc("ITIL Settings")
	incident = frappe.qb.DocType("ITIL Incident")
	open_others = (
		frappe.qb.from_(incident)
		.select(
			incident.name,
			incident.subject,
			incident.caller,
			incident.customer_type,
			incident.customer,
			incident.configuration_item,
		)
		.where(incident.status.isin(OPEN_STATUSES) & (incident.name != doc.name))
	)
	since = add_to_date(doc.opened_on, hours=-cint(settings.duplicate_window_hours or 72))
	who = []
	if doc.caller:
		who.append(incident.caller == doc.caller)
	if doc.customer:
		who.append((incident.customer_type == doc.customer_type) & (incident.customer == doc.customer))
	queries = [
		open_others.where(same & (incident.opened_on >= since))
		.orderby(incident.opened_on, order=Order.desc)
		.limit(WINDOW_ROWS)
		for same in (who if words(doc.subject) else [])
	]
	if doc.configuration_item:
		ci_since = add_to_date(doc.opened_on, minutes=-cint(settings.duplicate_ci_window_minutes or 60))
		queries.append(
			open_others.where(
				(incident.configuration_item == doc.configuration_item) & (incident.opened_on >= ci_since)
			).limit(LIMIT)
		)
	found: dict[str, Candidate] = {}
	for query in queries:
		for r in query.run(as_dict=True):
			found[r.name] = _candidate(doc, r)
	return list(found.values())


def _candidate(doc, r) -> Candidate:
	return Candidate(
		name=r.name,
		subject=r.subject,
		same_caller=bool(doc.caller and r.caller == doc.caller),
		same_customer=bool(
			doc.customer and (r.customer_type, r.customer) == (doc.customer_type, doc.customer)
		),
		same_ci=bool(doc.configuration_item and r.configuration_item == doc.configuration_item),
	)


def find(doc) -> list[tuple[str, float]]:
	return ranked(doc.subject, candidates(doc))


def listed(found: list[tuple[str, float]]) -> str:
	"""What is stored on the incident: the five best, "INC-1 (82)" a line."""
	return "\n".join(f"{name} ({value:g})" for name, value in found[:5])


WHAT_MATCHES = ("subject", "caller", "customer_type", "customer", "configuration_item")


def note_possible_duplicates(doc) -> None:
	"""The duplicates step of an incident's save: a new incident, or an open one whose subject, caller,
	customer or CI changed (the agent often completes them after logging), is matched against the open
	incidents around it; what looks like the same incident is kept on it, best first. Nothing is queried
	when none of those moved."""
	if doc.status not in OPEN_STATUSES:
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	if before and all(str(before.get(f) or "") == str(doc.get(f) or "") for f in WHAT_MATCHES):
		return
	doc.possible_duplicates = listed(find(doc)) or None


@frappe.whitelist()
@checked
def merge(incident: str, into: str) -> str:
	"""Resolve ``incident`` as a duplicate of ``into``; its tickets follow ``into`` from now on."""
	newcomer = record("ITIL Incident", incident, "write")
	master = record("ITIL Incident", into, "write")
	chain = dict(
		frappe.get_all(
			"ITIL Incident",
			filters={"duplicate_of": ["is", "set"]},
			fields=["name", "duplicate_of"],
			as_list=True,
		)
	)
	try:
		check_merge(newcomer.name, master.name, master.status, chain)
	except MergeError as e:
		frappe.throw(_(str(e)), frappe.ValidationError)
	if newcomer.status not in OPEN_STATUSES:
		frappe.throw(
			_("{0} is {1}: only an open incident can be merged.").format(newcomer.name, _(newcomer.status)),
			frappe.ValidationError,
		)
	tickets = ticket_sync.tickets_of(newcomer.name)
	newcomer.duplicate_of = master.name
	newcomer.status = "Resolved"
	newcomer.resolution_code = "Duplicate"
	newcomer.resolution_notes = _("Duplicate of {0} ({1}): followed there.").format(
		master.name, master.subject
	)
	with ticket_sync.syncing():  # its tickets move to the master: they are not resolved
		newcomer.save()
	for platform, name in tickets:
		frappe.db.set_value(platform.doctype, name, "itil_incident", master.name, update_modified=False)
		ticket_sync.send_reply(
			platform.doctype,
			name,
			_("Your request is handled together with {0} ({1}); we will keep you posted here.").format(
				master.name, master.subject
			),
		)
	master.add_comment(
		"Info",
		_("{0} merged into this incident (caller {1}; tickets: {2}).").format(
			newcomer.name,
			newcomer.caller or newcomer.caller_email or _("none"),
			", ".join(f"{p.doctype} {n}" for p, n in tickets) or _("none"),
		),
	)
	if tickets:
		ticket_sync.push_to_tickets(master, force=True)
	elif newcomer.caller_email:
		ticket_sync.send_reply(
			"ITIL Incident",
			newcomer.name,
			_("Your request is handled together with {0} ({1}).").format(master.name, master.subject),
			recipients=newcomer.caller_email,
		)
	return master.name
