"""The domain: plain Python and SQLAlchemy, no Flask.

Subpackages, from the heart outwards (each module's docstring says what it may import):
- ``engine``: the state machines and **the one service that changes a case** (``engine.service.fire``);
- ``deadlines``: day counting, due dates, the schedule proposal;
- ``alerts``: the timed rules as data and the planned alert rows;
- ``records``: stored files, attachments, the register of numbers;
- ``casefile``: review, findings, uploads and documents (changes that are not transitions);
- ``people``: actors, permissions, accounts;
- ``audit``: the hash-chained log;
- ``queries``: read models for lists and the dashboard;
- ``errors``: the refusals every part raises.
Imports point one way: entry points → ``workflow`` → ``models`` → ``vocabulary``.
"""
