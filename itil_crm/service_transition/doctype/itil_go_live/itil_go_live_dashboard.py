from frappe import _


def get_data():
	return {
		"fieldname": "go_live",
		"non_standard_fieldnames": {"ITIL Incident": "warranty_go_live"},
		"internal_links": {
			"ITIL Change": "change",
			"ITIL Configuration Item": ["affected_cis", "configuration_item"],
		},
		"transactions": [
			{"label": _("Warranty"), "items": ["ITIL Incident"]},
			{"label": _("Change Enablement"), "items": ["ITIL Change"]},
			{"label": _("Configuration"), "items": ["ITIL Configuration Item"]},
		],
	}
