"""Frappe 15 hole: ``frappe.read_only()`` reads from the replica (site config ``read_from_replica``,
``replica_host``, ``replica_db_port``) through ``frappe.connect_replica()``, which switches only when
``frappe.local`` has no ``primary_db`` / ``replica_db`` yet. After the call, ``read_only`` closes the replica
connection and puts the primary back in ``frappe.local.db``, but leaves both attributes set: every later
read_only call of the same process (a background job running several reports, a script, a test run) finds
them, does not switch, and reads from the primary.

``reads_from_replica`` is ``frappe.read_only()`` that forgets the replica connection it leaves behind (and
one a plain read_only call left before it), so each outermost call switches again; a nested call runs on
its caller's replica connection, as with read_only. test_replica.py shows the hole; its
``test_frappe_still_...`` fails once Frappe forgets the connection itself, and this file can become
``reads_from_replica = frappe.read_only()``."""

import functools
from contextlib import contextmanager

import frappe

LEFT_BEHIND = ("primary_db", "replica_db")  # the attributes frappe.connect_replica() sets on frappe.local


def reads_from_replica(fn):
	"""Decorator: run ``fn`` on the replica when the site has ``read_from_replica`` (as
	``@frappe.read_only()``), on every call of the process, not only the first."""
	on_replica = frappe.read_only()(fn)

	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		if frappe.flags.get("itil_reads_on_primary"):
			return fn(*args, **kwargs)  # what this transaction wrote must be read (on_primary)
		outermost = not in_replica_block()
		if outermost:
			forget_replica()  # what a plain read_only call left behind
		try:
			return on_replica(*args, **kwargs)
		finally:
			if outermost:
				forget_replica()

	wrapper.reads_from_replica = True  # what the tests look for
	return wrapper


def in_replica_block() -> bool:
	"""Whether a read_only call of this process is running now (its replica connection is frappe.db)."""
	local = frappe.local
	primary = getattr(local, "primary_db", None)
	return primary is not None and getattr(local, "db", None) is not primary


def forget_replica() -> None:
	"""Drop the (closed) replica connection and the primary's alias that read_only left on frappe.local,
	once the primary is frappe.db again."""
	local = frappe.local
	if in_replica_block():
		return
	for name in LEFT_BEHIND:
		if hasattr(local, name):
			delattr(local, name)


@contextmanager
def on_primary():
	"""Inside the block the figures are read from the primary: the caller wrote rows in its own
	transaction that the replica cannot see (a service review refreshes the months touched since the last
	hourly refresh, then reads them)."""
	before = frappe.flags.get("itil_reads_on_primary")
	frappe.flags.itil_reads_on_primary = True
	try:
		yield
	finally:
		frappe.flags.itil_reads_on_primary = before
