from frappe import _


def get_data():
	return {
		"fieldname": "channel",
		"transactions": [
			{"label": _("Incidents"), "items": ["ITIL Incident"]},
		],
	}
