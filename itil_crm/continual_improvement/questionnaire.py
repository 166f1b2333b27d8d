"""The seeded ITIL maturity questionnaire (3-4 questions per practice, EN; French rows in fr.csv): seeded
once on install and by a patch on existing sites, each question by its code, never overwriting a question
the site has (an admin's edits, thresholds, a disabled question stay as they are).

A question answered from the data names an evidence measure (itil_crm/continual_improvement/
maturity_evidence.py) and the thresholds of levels 2-5 in its unit; the KPI is the one its improvement
actions follow (itil_crm/engines/service_kpis.py).
"""

# code, practice, question, evidence measure (None: answered by hand), thresholds of levels 2-5, KPI
QUESTIONS = (
	("SD-1", "Service Desk", "Is every incident routed to a support group when it is logged?",
		"incidents_with_support_group", (50, 75, 90, 98), "first_response_hours"),
	("SD-2", "Service Desk", "Do incidents record who reported them (a contact or an email address)?",
		"incidents_with_caller", (50, 75, 90, 98), "first_contact_resolution"),
	("SD-3", "Service Desk",
		"Does the service desk resolve at first contact what it can, with scripts and a knowledge base?",
		None, None, "first_contact_resolution"),
	("SD-4", "Service Desk",
		"Are the service desk's channels (portal, email, phone, monitoring) defined, each with its default urgency?",
		None, None, "first_response_hours"),
	("IM-1", "Incident Management", "Are incidents logged against the configuration item they affect?",
		"incidents_with_ci", (30, 50, 75, 90), "mttr_hours"),
	("IM-2", "Incident Management", "Is every resolved incident closed with a resolution code?",
		"incidents_with_resolution_code", (50, 75, 90, 98), "reopen_rate"),
	("IM-3", "Incident Management", "Is a major incident procedure documented and followed for every P1?",
		None, None, "major_incident_hours"),
	("IM-4", "Incident Management",
		"Are incidents prioritised from their impact and urgency with one matrix for the whole desk?",
		None, None, "sla_met"),
	("PM-1", "Problem Management", "Are major (P1) incidents linked to a problem for root cause analysis?",
		"p1_with_problem", (25, 50, 75, 90), "major_incidents"),
	("PM-2", "Problem Management", "Do resolved problems record their root cause?",
		"problems_with_root_cause", (25, 50, 75, 90), "problems_resolved"),
	("PM-3", "Problem Management",
		"Are recurring incidents analysed proactively (trends, candidate problems)?",
		None, None, "incidents"),
	("KE-1", "Known Errors",
		"Are known errors used: a workaround applied or incidents linked in the last 12 months?",
		"known_errors_used", (20, 40, 60, 80), "known_error_workaround"),
	("KE-2", "Known Errors", "Are known errors published for the service desk to find and apply?",
		"known_errors_published", (25, 50, 75, 90), "known_error_workaround"),
	("KE-3", "Known Errors", "Are known errors reviewed and retired once their permanent fix is in place?",
		None, None, "known_error_workaround"),
	("CH-1", "Change Enablement", "Does every implemented change get a post-implementation review?",
		"changes_reviewed", (25, 50, 75, 95), "change_success"),
	("CH-2", "Change Enablement", "Do changes name the configuration items they affect?",
		"changes_with_ci", (25, 50, 75, 90), "change_incidents"),
	("CH-3", "Change Enablement",
		"Are change authorities (change manager, CAB, emergency CAB) defined by risk and change type?",
		None, None, "change_success"),
	("CM-1", "Configuration Management",
		"Are the relationships between configuration items recorded in the CMDB?",
		"relationships_per_ci", (0.25, 0.5, 1, 2), "mttr_hours"),
	("CM-2", "Configuration Management", "Does each configuration item have an owner or a support group?",
		"cis_with_owner", (25, 50, 75, 95), "mttr_hours"),
	("CM-3", "Configuration Management",
		"Is the CMDB verified and audited against what is really deployed?",
		None, None, "change_incidents"),
	("SL-1", "Service Level Management",
		"Do internal support groups work under an operational level agreement (OLA)?",
		"ola_coverage", (25, 50, 75, 100), "ola_met"),
	("SL-2", "Service Level Management", "Do external suppliers work under an underpinning contract (UC)?",
		"uc_coverage", (25, 50, 75, 100), "uc_met"),
	("SL-3", "Service Level Management", "Are service level targets met?",
		"sla_met_share", (70, 80, 90, 95), "sla_met"),
	("SL-4", "Service Level Management", "Are service levels reviewed with each customer every month?",
		None, None, "sla_met"),
	("ST-1", "Service Transition / Warranty",
		"Are go-lives closed with a final review at the end of their warranty period?",
		"go_lives_reviewed", (25, 50, 75, 95), "change_incidents"),
	("ST-2", "Service Transition / Warranty", "Is every go-live tied to the change that deploys it?",
		"go_lives_with_change", (25, 50, 75, 95), "change_success"),
	("ST-3", "Service Transition / Warranty",
		"Are a go-live's exit criteria and QoS objectives agreed before the go-live?",
		None, None, "sla_met"),
)  # fmt: skip


def seed_questionnaire() -> int:
	"""Insert the questions the site does not have (by code); returns how many were inserted."""
	import frappe

	inserted = 0
	for order, (code, practice, question, evidence_key, thresholds, kpi_key) in enumerate(QUESTIONS, 1):
		if frappe.db.exists("ITIL Maturity Question", code):
			continue
		values = {
			"doctype": "ITIL Maturity Question",
			"question_code": code,
			"practice": practice,
			"question": question,
			"evidence_key": evidence_key,
			"kpi_key": kpi_key,
			"enabled": 1,
			"sort_order": order * 10,
		}
		if thresholds:
			values.update(
				{f"threshold_{level}": t for level, t in zip((2, 3, 4, 5), thresholds, strict=True)}
			)
		frappe.get_doc(values).insert(ignore_permissions=True)
		inserted += 1
	return inserted
