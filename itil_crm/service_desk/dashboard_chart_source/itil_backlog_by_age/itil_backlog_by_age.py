"""Dashboard Chart Source: open incidents by age (itil_crm.service_desk.workspace_charts.backlog_by_age)."""

from itil_crm.service_desk import workspace_charts

get = workspace_charts.source(workspace_charts.backlog_by_age)
