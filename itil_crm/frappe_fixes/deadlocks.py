"""A transaction that loses a deadlock (or, where asked, a lock wait) is rolled back whole by MariaDB; these
helpers run the work again, after a short random pause so that the same writers do not meet again.

Frappe raises ``frappe.QueryDeadlockError`` / ``frappe.QueryTimeoutError`` for them; note that
``frappe.db.is_deadlocked`` does not recognise those (it reads the driver's error code, which they wrap).
"""

import random
import time

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
