"""What the desk's scripts know of the app from the start of a session (the ``extend_bootinfo`` hook)."""

from itil_crm.engines.lifecycle import OPEN_STATUSES


def extend(bootinfo) -> None:
	"""``frappe.boot.itil``: the incident's open statuses, from its lifecycle, for the form, list and boards."""
	bootinfo.itil = {"open_statuses": list(OPEN_STATUSES)}
