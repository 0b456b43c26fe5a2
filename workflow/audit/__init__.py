"""The audit log: every change of a case, campaign, unit or user, hash-chained per entity.

Owns: appending an entry to an entity's chain (``chain``), the old/new values of an edit of
reference data (``edits``), verifying the whole log. Imports models and the vocabulary only; every
other part of ``workflow`` writes its entries through :func:`append`.
"""
from workflow.audit.chain import (
    APPEND_ONLY_TRIGGERS,
    ENTITY_LABELS,
    AuditProblem,
    VerifyReport,
    append,
    canonical_json,
    entry_hash,
    snapshot,
    subject_text,
    verify,
)

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
