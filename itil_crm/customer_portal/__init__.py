"""The customer portal (/incidents): a customer's contacts follow their incidents, report new ones and
reply, from the website.

- ``access.py``: who a portal customer is and what they may see, on every path (list, record, file,
  website), as permission hooks;
- ``incidents.py``: what the portal pages show (status in the customer's words, promises, public replies,
  their own attachments) and the customer's actions (report an incident, add a reply);
- ``resolution.py``: the customer confirms a resolution or says it is not solved (portal buttons, a reply
  to the resolution mail, which is a seeded Frappe Notification);
- ``notices.py``: the desk's replies alert the customer's portal users ("New reply" on /incidents);
- the pages themselves are in itil_crm/www/incidents; the guard that closes the desk's endpoints to
  portal customers is a Frappe fix (itil_crm.frappe_fixes.portal_requests).
"""
