"""The file store of the web app (uploads and generated documents), one per app."""
from __future__ import annotations

from flask import current_app

from workflow.records.files import FileStore


def file_store() -> FileStore:
    return current_app.extensions["file_store"]
