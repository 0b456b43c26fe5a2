"""Edits that are not transitions: reference data (campaign, units, users, outlines) and a
case's own data. Each leaves an audit entry with the old and new values, in the same
transaction as the edit."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from models import Audited, Campaign, Outline, OutlineItem, OutlineSection
from workflow import audit

_BOOKKEEPING = {"version", "audit_seq", "audit_head", "updated_at", "created_at", "step_marks", "password_hash", "api_token_hash", "session_generation"}


def changed_values(obj: Any) -> dict[str, dict[str, Any]]:
    """``{"field": {"old": …, "new": …}}`` for every column changed on ``obj`` since it was loaded."""
    changes = {}
    state = sa_inspect(obj)
    for attribute in state.mapper.column_attrs:
        if attribute.key in _BOOKKEEPING:
            continue
        history = state.attrs[attribute.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[attribute.key] = {"old": old, "new": new}
    return changes


def _campaign_of(obj: Any) -> Campaign:
    if isinstance(obj, OutlineItem):
        obj = obj.section
    if isinstance(obj, OutlineSection):
        obj = obj.outline
    if isinstance(obj, Outline):
        return obj.campaign
    raise TypeError(f"{type(obj).__name__} has no audit chain")


def record_edit(session: Session, obj: Any, *, actor: str, now: datetime, action: str = "edit", comment: str | None = None) -> None:
    """Append the entry for an edit of ``obj`` (``action``: create / edit / delete).

    Audited entities (campaign, unit, user) get it on their own chain; parts of an outline on
    their campaign's chain, naming the part."""
    data: dict[str, Any]
    if action == "create":
        session.flush()
        data = {"values": audit.snapshot(obj)}
    elif action == "delete":
        data = {"values": audit.snapshot(obj)}
    else:
        data = {"changes": changed_values(obj)}
        if not data["changes"]:
            return
    if isinstance(obj, Audited):
        subject = obj
        if hasattr(obj, "updated_at"):
            obj.updated_at = now
    else:
        subject = _campaign_of(obj)
        data = {"part": f"{obj.__tablename__}#{obj.id}", **data}
    audit.append(session, subject, at=now, actor=actor, trigger=action, comment=comment, data=data)
