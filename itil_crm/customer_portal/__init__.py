"""The customer portal (/incidents): a customer's contacts follow their incidents, report new ones and
reply, from the website.

- ``access.py``: who a portal customer is and what they may see, on every path (list, record, file,
  website), as permission hooks;
- ``incidents.py``: what the portal pages show (status in the customer's words, promises, public replies,
  their own attachments) and the customer's actions (report an incident, add a reply);
- the pages themselves are in itil_crm/www/incidents; the guard that closes the desk's endpoints to
  portal customers is a Frappe fix (itil_crm.frappe_fixes.portal_requests).
"""
