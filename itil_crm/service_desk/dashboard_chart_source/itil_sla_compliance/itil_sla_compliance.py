"""Dashboard Chart Source: SLA compliance per week (itil_crm.service_desk.workspace_charts.sla_compliance)."""

from itil_crm.service_desk import workspace_charts

get = workspace_charts.source(workspace_charts.sla_compliance)
