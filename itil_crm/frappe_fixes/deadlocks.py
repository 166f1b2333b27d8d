"""A transaction that loses a deadlock (or, where asked, a lock wait) is rolled back whole by MariaDB; these
helpers run the work again, after a short random pause so that the same writers do not meet again, or keep
a job from running twice at once.

Frappe raises ``frappe.QueryDeadlockError`` / ``frappe.QueryTimeoutError`` for them; note that
``frappe.db.is_deadlocked`` does not recognise those (it reads the driver's error code, which they wrap).
"""

import random
import time
from contextlib import contextmanager

import frappe


def retried(work, attempts: int, again=None, timeouts: bool = False):
	"""``work()``; when it loses a deadlock: roll back, pause, call ``again()`` (reload what the work read)
	and run it again, ``attempts`` times in all; the last failure is raised."""
	lost = (frappe.QueryDeadlockError, frappe.QueryTimeoutError) if timeouts else (frappe.QueryDeadlockError,)
	for attempt in range(attempts):
		try:
			return work()
		except lost:
			if attempt + 1 == attempts:
				raise
			frappe.db.rollback()
			time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))
			if again is not None:
				again()


@contextmanager
def only_one(name: str):
	"""A job that must not run twice at the same moment on a site (two runs would write the same shared
	rows in different orders and deadlock): yields True for the run that holds the database's named lock
	(MariaDB ``GET_LOCK``, Postgres advisory lock), False at once for another; released at the end."""
	key = f"{frappe.local.site}:{name}"[:64]
	if frappe.db.db_type == "postgres":
		held = frappe.db.sql("select pg_try_advisory_lock(hashtext(%s))", key)[0][0]
	else:
		held = frappe.db.sql("select get_lock(%s, 0)", key)[0][0] == 1
	try:
		yield bool(held)
	finally:
		if held:
			if frappe.db.db_type == "postgres":
				frappe.db.sql("select pg_advisory_unlock(hashtext(%s))", key)
			else:
				frappe.db.sql("select release_lock(%s)", key)
