"""Issue 23: the incidents of the candidate problems raised before are remembered (ITIL Candidate
Incident), so that unlinking them from a wrong candidate does not make them a candidate again.
Idempotent: an incident already remembered is skipped."""

import frappe

from itil_crm.problem_management.candidates import remember


def execute():
	rows = frappe.db.sql(
		"""select i.problem, i.name from `tabITIL Incident` i
		join `tabITIL Problem` p on p.name = i.problem and p.raised_automatically = 1
		where not exists (select 1 from `tabITIL Candidate Incident` c where c.incident = i.name)"""
	)
	by_problem: dict[str, list[str]] = {}
	for problem, incident in rows:
		by_problem.setdefault(problem, []).append(incident)
	for problem, incidents in by_problem.items():
		remember(problem, incidents, None)
