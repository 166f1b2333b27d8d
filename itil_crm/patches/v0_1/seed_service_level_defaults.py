"""Sites installed before these defaults existed get them (idempotent: nothing already set is touched)."""

from itil_crm.setup.seed import seed_notifications, seed_settings


def execute():
	seed_settings()
	seed_notifications()
