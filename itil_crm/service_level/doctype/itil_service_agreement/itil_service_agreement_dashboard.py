from frappe import _


def get_data():
	return {
		"fieldname": "service_agreement",
		"transactions": [
			{"label": _("Incidents"), "items": ["ITIL Incident"]},
			{"label": _("Support"), "items": ["ITIL Support Group"]},
		],
	}
