from frappe import _


def get_data():
	return {
		"fieldname": "service_calendar",
		"transactions": [
			{"label": _("Service Level"), "items": ["ITIL Service Agreement"]},
		],
	}
