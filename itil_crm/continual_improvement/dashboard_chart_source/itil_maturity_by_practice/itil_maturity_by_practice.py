"""Dashboard Chart Source: the latest submitted ITIL maturity assessment's score per practice beside the
previous assessment's (itil_crm.continual_improvement.maturity.latest_chart)."""

from itil_crm.continual_improvement import maturity
from itil_crm.service_desk import workspace_charts

get = workspace_charts.source(maturity.latest_chart)
