"""Support groups of sites installed before 0.2 get their Assignment Rule (round robin by default;
a group without an active member gets none). Idempotent: a rule that matches is saved unchanged."""

from itil_crm.service_desk.assignment import sync_all


def execute():
	sync_all()
