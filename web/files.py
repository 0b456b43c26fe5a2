"""The file store of the web app (uploads and generated documents) and its checkpoint store
(the audit log's witnesses), one of each per app."""
from __future__ import annotations

from flask import current_app

from workflow.audit.checkpoint import CheckpointStore
from workflow.records.files import FileStore


def file_store() -> FileStore:
    return current_app.extensions["file_store"]


def checkpoint_store() -> CheckpointStore:
    return current_app.extensions["checkpoints"]
