"""Editable defaults seeded once at install (plain data, no frappe import)."""

IMPACTS = [("High", 1), ("Medium", 2), ("Low", 3)]
URGENCIES = [("High", 1), ("Medium", 2), ("Low", 3)]

PRIORITIES = [
	("P1 Critical", 1, "#e03636"),
	("P2 High", 2, "#f2994a"),
	("P3 Moderate", 3, "#ecad4b"),
	("P4 Low", 4, "#2490ef"),
	("P5 Planning", 5, "#8d99a6"),
]

# ITIL 3 x 3 matrix: (impact, urgency) -> priority
PRIORITY_MATRIX = {
	("High", "High"): "P1 Critical",
	("High", "Medium"): "P2 High",
	("Medium", "High"): "P2 High",
	("High", "Low"): "P3 Moderate",
	("Medium", "Medium"): "P3 Moderate",
	("Low", "High"): "P3 Moderate",
	("Medium", "Low"): "P4 Low",
	("Low", "Medium"): "P4 Low",
	("Low", "Low"): "P5 Planning",
}

# ITIL Settings fields seeded when empty
SETTINGS = {
	"default_impact": "Medium",
	"default_urgency": "Medium",
	"key_customer_impact": "High",
	"critical_ci_impact": "High",
	"default_service_calendar": "Business Hours",
	"problem_candidate_min_incidents": 3,
	"problem_candidate_window_days": 7,
	"change_conflict_depth": 2,
	"change_conflict_policy": "Flag",
	"change_review_days": 7,
	"cab_quorum": 2,
	"ecab_quorum": 1,
	**{
		# the post-go-live warranty period (ITIL Settings > Go-Lives)
		"default_warranty_days": 30,
		"go_live_reminder_days": 2,
		"route_warranty_incidents": 1,
		"exit_mandatory_items": 1,
		"warranty_blocking_priority": "P2 High",
		"warranty_sla_target": 95,
		"go_live_override_role": "ITIL Change Manager",
	},
}

# the risk assessment of a change: question, weight (ITIL Settings > Changes; editable)
CHANGE_RISK_QUESTIONS = [
	("Does the change touch a production service?", 3),
	("Is there no tested backout plan?", 3),
	("Will users see an outage or a degradation?", 2),
	("Has a change like this one failed before?", 2),
	("Does it touch several CIs or a third party's system?", 1),
]

# channel -> default urgency
CHANNELS = [
	("Email", "Medium"),
	("Phone", "High"),
	("Portal", "Low"),
	("Chat", "Medium"),
	("API", "Medium"),
	("Monitoring Event", "High"),
	("Helpdesk Ticket", "Medium"),
	("ERPNext Issue", "Medium"),
]

CI_TYPES = [
	"Business Service",
	"Application",
	"Server",
	"Database",
	"Network Device",
	"Document",
	"Interface",
]

# (name, inverse, propagates impact)
CI_RELATIONSHIP_TYPES = [
	("Depends On", "Required By", 1),
	("Runs On", "Runs", 1),
	("Hosted On", "Hosts", 1),
	("Connects To", "Connected From", 1),
	("Part Of", "Has Part", 1),
]

CALENDAR_24X7 = "24x7"
CALENDAR_BUSINESS_HOURS = "Business Hours"
# Monday to Friday, with a lunch break
BUSINESS_HOURS = [
	(day, start, end)
	for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
	for start, end in (("09:00:00", "12:30:00"), ("13:30:00", "18:00:00"))
]

# (name, tier, description)
SUPPORT_GROUPS = [
	("Level 1 - Service Desk", 1, "Single point of contact: registers, classifies and resolves what it can"),
	("Level 2 - Application Support", 2, "Support engineers for the applications"),
	("Level 3 - Expert Support", 3, "Experts, developers and infrastructure specialists"),
]

HOUR = 3600
DEFAULT_SLA = "Standard SLA"
# priority -> (response, resolution) in business seconds
DEFAULT_SLA_TARGETS = {
	"P1 Critical": (1 * HOUR, 4 * HOUR),
	"P2 High": (2 * HOUR, 8 * HOUR),
	"P3 Moderate": (4 * HOUR, 24 * HOUR),
	"P4 Low": (8 * HOUR, 40 * HOUR),
	"P5 Planning": (16 * HOUR, 80 * HOUR),
}

GO_LIVE_TEMPLATE = "CRM Go-Live (ITIL)"
# (requirement, English, French, exit criterion)
GO_LIVE_CHECKLIST = [
	(
		"R7 Processes & Stakeholders",
		"Review the ITIL processes (incident, problem, change) for the new application and adapt them",
		"Revoir les processus ITIL (incidents, problèmes, changements) pour la nouvelle application et les adapter",
		1,
	),
	(
		"R7 Processes & Stakeholders",
		"Identify the stakeholders: users, supervisors, key users, level-1 support, third-party maintenance",
		"Identifier les parties prenantes : utilisateurs, superviseurs, key users, assistance de niveau 1, TMA",
		1,
	),
	(
		"R7 Processes & Stakeholders",
		"Identify the external parties (e.g. security officer) and the environments (development, test, production)",
		"Identifier les intervenants externes (ex. responsable sécurité) et les environnements (développement, recette, production)",
		0,
	),
	(
		"R8 Buy-in & Communication",
		"Communicate the go-live date, the support channels and the support levels to every stakeholder",
		"Communiquer la date de mise en production, les canaux et les niveaux d'assistance à toutes les parties prenantes",
		1,
	),
	(
		"R8 Buy-in & Communication",
		"Involve key users in acceptance testing and collect their approval",
		"Impliquer les key users dans la recette et recueillir leur adhésion",
		0,
	),
	(
		"R9 Training",
		"Train users and supervisors on the new application",
		"Former les utilisateurs et les superviseurs à la nouvelle application",
		1,
	),
	(
		"R9 Training",
		"Train level-1 support and third-party maintenance on diagnosis and known errors",
		"Former l'assistance de niveau 1 et la TMA au diagnostic et aux erreurs connues",
		1,
	),
	(
		"R10 Documentation & CMDB",
		"Record the new configuration items and their relationships in the CMDB",
		"Enregistrer les nouveaux éléments de configuration et leurs relations dans la CMDB",
		1,
	),
	(
		"R10 Documentation & CMDB",
		"Document the known problems and known errors with their workarounds",
		"Documenter les problèmes et erreurs connus avec leurs contournements",
		1,
	),
	(
		"R11 Warranty & Final Review",
		"Keep the project team available during the warranty period and monitor incidents daily",
		"Assurer la disponibilité de l'équipe projet pendant la période de garantie et suivre les incidents chaque jour",
		0,
	),
	(
		"R11 Warranty & Final Review",
		"Hold the final review and sign off the end of the warranty period",
		"Tenir la revue finale et signer la fin de la période de garantie",
		1,
	),
]

# how each item of GO_LIVE_CHECKLIST is run, in the same order: category, owner role, due from (the
# go-live or the warranty end), days after it (negative: before), evidence required
GO_LIVE_PLAN = [
	("Process", "Project Manager", "Go-Live", -14, 0),
	("Stakeholders", "Project Manager", "Go-Live", -21, 0),
	("Environments", "Project Manager", "Go-Live", -14, 0),
	("Communication", "Project Manager", "Go-Live", -7, 1),
	("Stakeholders", "Key User", "Go-Live", -7, 0),
	("Training", "Project Manager", "Go-Live", -3, 1),
	("Training", "Support Group", "Go-Live", -3, 0),
	("Documentation", "Change Manager", "Go-Live", 0, 0),
	("Documentation", "Support Group", "Go-Live", 7, 0),
	("Support", "Support Group", "Go-Live", 0, 0),
	("Review", "Project Manager", "Warranty End", 0, 0),
]

ROLES = [
	"ITIL Service Desk Agent",
	"ITIL Support Engineer",
	"ITIL Problem Manager",
	"ITIL Change Manager",
	"ITIL CAB Member",
	"ITIL Configuration Manager",
	"ITIL Service Level Manager",
]
# no desk access: a customer's contact on the portal (/incidents)
# roles without desk access: portal customers, and the API users of monitoring tools
PORTAL_ROLES = ["ITIL Customer", "ITIL Event Source"]

SLA_ALERT_NOTIFICATION = "ITIL SLA Alert"
SLA_ALERT_EMAIL = "ITIL SLA Alert (Email)"
SLA_ALERT_SUBJECT = "[{{ doc.level }}] {{ doc.incident }}: {{ doc.clock }} clock at {{ doc.threshold }} %"
SLA_ALERT_MESSAGE = """**{{ doc.level }}**: incident {{ doc.incident }} ({{ doc.subject }}).

The {{ doc.clock }} clock has reached {{ doc.threshold }} % of its target{% if doc.due_by %}, due {{ doc.due_by }}{% endif %}.
Priority: {{ doc.priority or "-" }}. Support group: {{ doc.support_group or "-" }}.
"""
