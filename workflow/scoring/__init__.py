"""Scoring against the Chỉ số CCHC (PAR Index) inside the inspection.

Owns: the criteria sets as data (``criteria_file``: the TOML format; ``criteria``: import, export,
copy, the shipped SAMPLE sets), the scoring arithmetic (``arithmetic``), the unit's
self-assessment and the team's appraisal (``sheets``), and the results: a case's sheet, the
campaign's ranking, the facts the conclusion notice and the spreadsheet show (``results``).
Every change of a sheet is a change of its case (``workflow.casefile.case_edits``: the same lock
and audit chain); importing a set is a change of the campaign.
May import: ``casefile``, ``engine`` and everything below them, ``documents``, ``models``.
"""
