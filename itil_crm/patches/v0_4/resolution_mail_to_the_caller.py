"""The Notification that mails the caller when their incident is resolved, with the links and words to
confirm it or say it is not solved (itil_crm.customer_portal.resolution)."""

from itil_crm.customer_portal.resolution import seed_resolution_mail


def execute():
	seed_resolution_mail()
