"""Sites installed before the ticket bridge get its defaults (intake rows, ticket type Incident,
priority map, the Helpdesk form script) for the ticketing apps they have. Seeded once: a second run
finds every row and changes nothing."""

from itil_crm.setup.install import ensure_indexes
from itil_crm.ticket_bridge.intake_defaults import seed_ticket_intake


def execute():
	ensure_indexes()
	seed_ticket_intake()
