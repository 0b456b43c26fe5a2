"""Inspection plans the application can load (``flask --app wsgi seed …``)."""
