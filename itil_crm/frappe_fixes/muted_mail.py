"""Frappe 15 hole: while mail is muted (``frappe.flags.mute_emails``), the first send finds no outgoing
account and Frappe makes a dummy one (``EmailAccount.create_dummy``, no address), then keeps it in the
request's cache of outgoing accounts (``frappe.local.outgoing_email_account``) after mail is unmuted: every
later mail of that process is built on the dummy and fails (``formataddr`` on no address). A test run, a
worker that ran the demo, is that process.

``muted_mail()`` mutes mail for a block and, after it, drops the dummy account it left (only a dummy:
real accounts stay cached). test_frappe_fixes.py::TestMutedMail shows the hole; it fails once Frappe
forgets the dummy itself, and this file can go."""

from contextlib import contextmanager

import frappe

CACHE = "outgoing_email_account"  # the attribute name of Frappe's @cache_email_account("...") cache


@contextmanager
def muted_mail():
	muted = frappe.flags.mute_emails
	frappe.flags.mute_emails = True
	try:
		yield
	finally:
		frappe.flags.mute_emails = muted
		if not muted:
			forget_dummy_accounts()


def forget_dummy_accounts() -> None:
	cached = getattr(frappe.local, CACHE, None) or {}
	for key in [k for k, account in cached.items() if not account.get("email_id")]:
		del cached[key]
