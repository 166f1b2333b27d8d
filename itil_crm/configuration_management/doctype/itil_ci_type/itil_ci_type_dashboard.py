from frappe import _


def get_data():
	return {
		"fieldname": "ci_type",
		"transactions": [
			{"label": _("Configuration"), "items": ["ITIL Configuration Item"]},
		],
	}
