from frappe import _


def get_data():
	return {
		"fieldname": "problem",
		"internal_links": {
			"ITIL Known Error": "known_error",
			"ITIL Configuration Item": ["affected_cis", "configuration_item"],
		},
		"transactions": [
			{"label": _("Incidents"), "items": ["ITIL Incident"]},
			{"label": _("Problem Management"), "items": ["ITIL Known Error"]},
			{"label": _("Change Enablement"), "items": ["ITIL Change"]},
			{"label": _("Configuration"), "items": ["ITIL Configuration Item"]},
		],
	}
