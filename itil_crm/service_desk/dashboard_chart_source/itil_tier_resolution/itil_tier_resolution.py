"""Dashboard Chart Source: resolution rate per support tier against the target
(itil_crm.service_desk.workspace_charts.tier_resolution)."""

from itil_crm.service_desk import workspace_charts

get = workspace_charts.source(workspace_charts.tier_resolution)
