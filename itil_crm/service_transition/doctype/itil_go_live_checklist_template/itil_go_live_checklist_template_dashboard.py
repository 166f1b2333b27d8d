from frappe import _


def get_data():
	return {
		"fieldname": "checklist_template",
		"transactions": [
			{"label": _("Service Transition"), "items": ["ITIL Go-Live"]},
		],
	}
