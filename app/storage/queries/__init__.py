"""Read-only queries the desktop screens need, one module per screen; run on the DB thread."""
