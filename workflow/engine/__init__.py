"""The engine: the state machine of a case and the one service that changes it.

``service.fire`` is the only way a case changes state: every entry point (admin, API, CLI,
scheduler) calls it. It locks the case (``locking``), builds the case's context (``context``),
checks the trigger's data (``trigger_data``) and the machine with its guards (``machines``,
``guards``), writes what the trigger records (``effects``), re-plans the alerts and appends the
audit entry, in one transaction. ``cases.open_case`` creates a case with the first entry of its
chain. May import: ``alerts``, ``deadlines``, ``records``, ``people``, ``audit``, ``errors``,
models and the vocabulary.
"""
