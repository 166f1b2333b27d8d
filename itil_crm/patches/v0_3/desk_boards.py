"""Sites that had the app before 0.3 get the Kanban boards of incidents and changes. Idempotent: a
board that exists (also one an admin edited) is left as it is."""

from itil_crm.service_desk.boards import ensure_boards


def execute():
	ensure_boards()
