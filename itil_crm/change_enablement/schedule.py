"""The change schedule as an ICS feed (RFC 5545, written with the `icalendar` library) that Outlook,
Google Calendar or Thunderbird subscribe to.

Each user gets their own secret link (`calendar_feed_url`, a new link revokes the old one); only its
SHA-256 is stored (ITIL Calendar Feed). The feed holds the changes that user may read, with a planned
window, from 90 days back; a wrong or revoked token gets 403 and nothing else.

Its times are in UTC ("...Z"): the planned window is stored in the site's zone, and a TZID without the
VTIMEZONE that describes it (RFC 5545 3.6.5) is read wrong by Outlook; UTC needs no description, and each
calendar app shows the window in its user's zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, get_url, get_url_to_form, now_datetime

from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.service_level import site_time

FEED = "ITIL Calendar Feed"
SHOWN = ("Assessment", "Authorized", "Scheduled", "Implementing", "Review", "Closed", "Backed Out")
HISTORY_DAYS = 90
MAX_EVENTS = 2000


def _hash(token: str) -> str:
	return hashlib.sha256(token.encode()).hexdigest()


@frappe.whitelist(methods=["POST"])
@checked
def calendar_feed_url() -> str:
	"""A new secret subscription link for the session user (the previous one stops working)."""
	user = frappe.session.user
	if user == "Guest":
		raise frappe.PermissionError(_("Log in to subscribe to the change schedule."))
	frappe.has_permission("ITIL Change", "read", throw=True)
	token = secrets.token_urlsafe(32)
	if frappe.db.exists(FEED, user):
		frappe.db.set_value(FEED, user, "token_hash", _hash(token))
	else:
		frappe.get_doc({"doctype": FEED, "user": user, "token_hash": _hash(token)}).insert(
			ignore_permissions=True
		)
	return get_url(f"/api/method/itil_crm.change_enablement.schedule.feed?token={token}")


def _user_of(token) -> str:
	user = (
		frappe.db.get_value(FEED, {"token_hash": _hash(token)}, "user")
		if isinstance(token, str) and 20 <= len(token) <= 100
		else None
	)
	if not user or not frappe.db.get_value("User", user, "enabled"):
		raise frappe.PermissionError(_("This calendar link is not valid (any more)."))
	return user


def _utc(value) -> dt.datetime:
	"""A stored datetime (site zone) as the UTC instant it stands for."""
	return site_time.aware(get_datetime(value)).astimezone(dt.timezone.utc)


def calendar(user: str) -> bytes:
	from icalendar import Calendar, Event

	if not frappe.has_permission("ITIL Change", "read", user=user):
		raise frappe.PermissionError(_("This calendar link is not valid (any more)."))
	# the feed is fetched without a session: read as the link's user, with exactly their permissions
	caller = frappe.session.user
	frappe.set_user(user)
	try:
		changes = frappe.get_list(
			"ITIL Change",
			fields=[
				"name",
				"title",
				"status",
				"change_type",
				"risk",
				"planned_start",
				"planned_end",
				"modified",
			],
			filters={
				"status": ["in", SHOWN],
				"planned_start": ["is", "set"],
				"planned_end": [">=", add_days(now_datetime(), -HISTORY_DAYS)],
			},
			order_by="planned_start",
			limit_page_length=MAX_EVENTS,
		)
	finally:
		frappe.set_user(caller)
	cal = Calendar()
	cal.add("prodid", "-//itil_crm//Change Schedule//EN")
	cal.add("version", "2.0")
	cal.add("x-wr-calname", _("Change Schedule ({0})").format(frappe.local.site))
	host = frappe.local.site
	for c in changes:
		event = Event()
		event.add("uid", f"{c.name}@{host}")
		event.add("summary", f"{c.name}: {c.title}")
		event.add("dtstart", _utc(c.planned_start))
		event.add("dtend", _utc(c.planned_end))
		event.add("dtstamp", _utc(c.modified))
		event.add("status", "CANCELLED" if c.status == "Backed Out" else "CONFIRMED")
		event.add(
			"description",
			_("{0} change, risk {1}, status {2}").format(
				_(c.change_type or ""), _(c.risk or "-"), _(c.status)
			),
		)
		event.add("url", get_url_to_form("ITIL Change", c.name))
		cal.add_component(event)
	return cal.to_ical()


@frappe.whitelist(allow_guest=True, methods=["GET"])
@checked
def feed(token: str | None = None):
	"""The subscribed calendar (text/calendar)."""
	user = _user_of(token)
	frappe.local.response.filename = "itil-change-schedule.ics"
	frappe.local.response.filecontent = calendar(user)
	frappe.local.response.type = "download"
	frappe.local.response.display_content_as = "inline"
