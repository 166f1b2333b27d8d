"""Sites created before the index existed get it (add_index does nothing when it is there)."""

from itil_crm.service_level.doctype.itil_incident_leg.itil_incident_leg import on_doctype_update


def execute():
	on_doctype_update()
