"""The file store of the web app (uploads and generated documents) and its checkpoint store
(the audit log's witnesses), one of each per app."""
from __future__ import annotations

from flask import current_app

from documents.pdf import PdfConverter
from workflow.audit.checkpoint import CheckpointStore
from workflow.records import arrival
from workflow.records.files import FileStore


def file_store() -> FileStore:
    return current_app.extensions["file_store"]


def checkpoint_store() -> CheckpointStore:
    return current_app.extensions["checkpoints"]


def pdf_converter() -> PdfConverter | None:
    """LibreOffice for the PDFs (setting ``SOFFICE``), or None where there is none."""
    return current_app.extensions.get("pdf_converter")


def trust_store():  # documents.signatures.TrustStore; pyHanko is imported by the requests that check signatures
    """The trusted CA certificates and CRLs of the setting ``TRUST_ROOTS``: the same as the file
    store checks uploads against, read again whenever a file in the folder changes (a CRL
    replaced in the folder counts at once)."""
    return arrival.trust_store(current_app.extensions.get("trust_roots"))
