"""The ticket bridge (R1): Helpdesk tickets and ERPNext Issues become ITIL incidents and stay in sync.

Everything the bridge does is in this folder:

- ``platforms.py``: the ticketing doctypes it knows (HD Ticket, Issue), as plain data;
- ``intake.py``: ticket -> incident, by hand or automatically, retried when it fails;
- ``sync.py``: incident -> tickets (priority, clock, resolution reply; the sweep's SLA status) and
  tickets -> incident (a customer's reply reopens, a close is noted, the agent's reply is the first
  response, replies show on the incident's timeline);
- ``intake_defaults.py``: the intake defaults of ITIL Settings and Helpdesk's form script, at install and when a
  ticketing app arrives or leaves;
- ``ticket_form.js``: the desk form's action on HD Ticket and Issue; ``helpdesk_form_script.js``: the
  action in Helpdesk's agent app.

Its rules are pure functions (itil_crm.engines.ticket_bridge); the custom fields it adds to tickets are
listed with the app's other custom fields (itil_crm.integrations.custom_fields). Hooks run only where the
ticketing app, hence its doctype, is installed.
"""
