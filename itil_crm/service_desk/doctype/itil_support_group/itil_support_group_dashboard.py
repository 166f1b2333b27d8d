from frappe import _


def get_data():
	return {
		"fieldname": "support_group",
		"non_standard_fieldnames": {
			"ITIL Go-Live": "support_group",
		},
		"internal_links": {
			"ITIL Service Agreement": "service_agreement",
		},
		"transactions": [
			{"label": _("Work"), "items": ["ITIL Incident", "ITIL Problem"]},
			{"label": _("Configuration"), "items": ["ITIL Configuration Item"]},
			{"label": _("Service Level"), "items": ["ITIL Service Agreement"]},
			{"label": _("Service Transition"), "items": ["ITIL Go-Live"]},
		],
	}
