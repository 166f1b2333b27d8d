"""Dashboard Chart Source: incidents opened and resolved per day (itil_crm.service_desk.workspace_charts.incident_flow)."""

from itil_crm.service_desk import workspace_charts

get = workspace_charts.source(workspace_charts.incident_flow)
