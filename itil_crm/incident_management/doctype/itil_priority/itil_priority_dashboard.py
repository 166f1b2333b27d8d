from frappe import _


def get_data():
	return {
		"fieldname": "priority",
		"transactions": [
			{"label": _("Work"), "items": ["ITIL Incident", "ITIL Problem"]},
			{"label": _("Service Level"), "items": ["ITIL Service Agreement"]},
		],
	}
