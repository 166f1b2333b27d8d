from frappe import _


def get_data():
	return {
		"fieldname": "impact",
		"transactions": [
			{"label": _("Incidents"), "items": ["ITIL Incident"]},
		],
	}
