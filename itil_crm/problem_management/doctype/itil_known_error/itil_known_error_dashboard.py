from frappe import _


def get_data():
	return {
		"fieldname": "known_error",
		"internal_links": {
			"ITIL Configuration Item": ["affected_cis", "configuration_item"],
		},
		"transactions": [
			{"label": _("Incidents"), "items": ["ITIL Incident"]},
			{"label": _("Problem Management"), "items": ["ITIL Problem"]},
			{"label": _("Change Enablement"), "items": ["ITIL Change"]},
			{"label": _("Configuration"), "items": ["ITIL Configuration Item"]},
		],
	}
