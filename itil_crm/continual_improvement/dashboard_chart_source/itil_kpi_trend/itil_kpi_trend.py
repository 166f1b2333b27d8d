"""Dashboard Chart Source: a KPI's last twelve months beside its target
(itil_crm.continual_improvement.observatory.trend_chart; the chart's filters name the KPI)."""

from itil_crm.continual_improvement import observatory

get = observatory.trend_source
