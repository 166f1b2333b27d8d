from frappe import _


def get_data():
	return {
		"fieldname": "urgency",
		"non_standard_fieldnames": {
			"ITIL Channel": "default_urgency",
		},
		"transactions": [
			{"label": _("Incidents"), "items": ["ITIL Incident"]},
			{"label": _("Service Desk"), "items": ["ITIL Channel"]},
		],
	}
