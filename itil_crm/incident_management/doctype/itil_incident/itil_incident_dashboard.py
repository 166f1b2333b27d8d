from frappe import _


def get_data():
	return {
		"fieldname": "incident",
		"non_standard_fieldnames": {"ITIL Incident": "duplicate_of"},
		"internal_links": {
			"ITIL Problem": "problem",
			"ITIL Known Error": "known_error",
			"ITIL Configuration Item": "configuration_item",
		},
		"transactions": [
			{"label": _("Duplicates Merged Here"), "items": ["ITIL Incident"]},
			{"label": _("Problem Management"), "items": ["ITIL Problem", "ITIL Known Error"]},
			{"label": _("Change Enablement"), "items": ["ITIL Change"]},
			{
				"label": _("Monitoring & Suppliers"),
				"items": ["ITIL Monitoring Alert", "ITIL Supplier Exchange"],
			},
			{"label": _("Configuration"), "items": ["ITIL Configuration Item"]},
			{
				"label": _("Service Level"),
				"items": ["ITIL Incident Leg", "ITIL Escalation", "ITIL SLA Event"],
			},
		],
	}
