"""Pure engines: plain data in, plain data out. Nothing in this package imports frappe."""
