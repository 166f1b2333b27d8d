"""In-app alerts (Frappe Notification Log: the bell, and an email where the user's notification
settings say so) sent by the app's jobs and endpoints."""

import frappe


def alert(users, doctype: str, name: str, subject: str) -> int:
	"""One alert per user (duplicates, Guest and empty names skipped); how many were written."""
	sent = 0
	for user in dict.fromkeys(users or []):
		if not user or user == "Guest":
			continue
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"subject": subject,
				"email_content": subject,
				"document_type": doctype,
				"document_name": name,
			}
		).insert(ignore_permissions=True)
		sent += 1
	return sent
