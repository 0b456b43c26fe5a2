"""The timed rules: which reminders and escalations a case is due (``rules``, declared as data),
the planned alert rows kept in step with every change (``plan``), and what people do with an
alert (``actions``: list, acknowledge). The sweep that raises them lives in ``jobs``.
May import: ``deadlines``, ``people``, ``audit``, ``errors``, models and the vocabulary."""
