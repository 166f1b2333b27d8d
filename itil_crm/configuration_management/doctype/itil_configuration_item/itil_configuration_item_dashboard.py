from frappe import _


def get_data():
	return {
		"fieldname": "configuration_item",
		"internal_links": {
			"ITIL Support Group": "support_group",
			"ITIL Configuration Item": ["relationships", "target_ci"],
		},
		"transactions": [
			{
				"label": _("Incidents & Problems"),
				"items": ["ITIL Incident", "ITIL Problem", "ITIL Known Error"],
			},
			{"label": _("Changes & Go-Lives"), "items": ["ITIL Change", "ITIL Go-Live"]},
			{"label": _("Relationships"), "items": ["ITIL Configuration Item"]},
			{"label": _("Support"), "items": ["ITIL Support Group"]},
		],
	}
