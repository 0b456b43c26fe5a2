"""The audit log: every change of a case, campaign, unit or user, hash-chained per entity.

Owns: appending a sealed entry to an entity's chain (``chain``, ``seal``), what a row must agree
with at the end of its chain (``records``), the old/new values of an edit of
reference data (``edits``), verifying the whole log. Imports models and the vocabulary only; every
other part of ``workflow`` writes its entries through :func:`append`.
"""
from workflow.audit.chain import (
    APPEND_ONLY_TRIGGERS,
    VerifyReport,
    append,
    canonical_json,
    entry_hash,
    snapshot,
    verify,
)
from workflow.audit.problems import ENTITY_LABELS, AuditProblem, subject_text

__all__ = [
    "APPEND_ONLY_TRIGGERS",
    "ENTITY_LABELS",
    "AuditProblem",
    "VerifyReport",
    "append",
    "canonical_json",
    "entry_hash",
    "snapshot",
    "subject_text",
    "verify",
]
