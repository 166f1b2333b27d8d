from frappe import _


def get_data():
	return {
		"fieldname": "change",
		"internal_links": {
			"ITIL Incident": "incident",
			"ITIL Problem": ["problems", "problem"],
			"ITIL Known Error": ["known_errors", "known_error"],
			"ITIL Configuration Item": ["affected_cis", "configuration_item"],
		},
		"transactions": [
			{"label": _("Reason"), "items": ["ITIL Incident", "ITIL Problem", "ITIL Known Error"]},
			{"label": _("Service Transition"), "items": ["ITIL Go-Live"]},
			{"label": _("Configuration"), "items": ["ITIL Configuration Item"]},
		],
	}
