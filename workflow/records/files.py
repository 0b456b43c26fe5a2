"""The file store: uploaded and generated files, kept by content hash.

A file is written (and fsync'ed) under ``<files_dir>/<sha[:2]>/<sha>`` *before* the database
transaction that records it commits, so a committed row never points at a missing file. A
transaction that fails leaves an orphan blob behind: removed when the request or command ends
(:mod:`workflow.records.provisional`), or — a killed worker's — by
:meth:`FileStore.cleanup_orphans`, which removes blobs no row refers to once they are older than a
grace period (long enough for any transaction in flight).
The type of a file is read from its content, never from its name, and the content is checked
beyond its first bytes (:func:`content_problem`): the PDF parses, the image's size read from its
header stays within :data:`MAX_IMAGE_PIXELS` before anything decodes it, the image decodes, the
DOCX or XLSX has its parts, a bounded number of them, and no program inside, and nothing is
appended that makes the file something else as well (a polyglot).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field as dataclass_field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Attachment, SigningKey
from vocabulary.bounds import strip_bidi
from vocabulary.i18n import Text, _
from workflow.errors import BadData
from workflow.records.arrival import signature_check

from .provisional import note_written

CHUNK = 1024 * 1024
DEFAULT_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileType("application/pdf", (".pdf",), "PDF")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "DOCX")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "XLSX")
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"), "JPEG")
PNG = FileType("image/png", (".png",), "PNG")
ACCEPTED = (PDF, DOCX, XLSX, JPEG, PNG)
BY_CONTENT_TYPE = {file_type.content_type: file_type for file_type in ACCEPTED}


@dataclass(frozen=True)
class StoredFile:
    """A file already written to the store, waiting to be recorded by a change of a case."""

    sha256: str
    size: int
    content_type: str
    original_name: str
    # A PDF's digital signatures as the store found them when it took the bytes
    # (workflow.records.arrival); None for any other file and for a document made here.
    signatures: dict[str, Any] | None = dataclass_field(default=None, compare=False)

    def recorded(self) -> dict[str, object]:
        """What the audit entry keeps of it."""
        recorded: dict[str, object] = {"sha256": self.sha256, "name": self.original_name, "size": self.size, "type": self.content_type}
        if self.signatures is not None:
            recorded["signatures"] = self.signatures
        return recorded


def sniff(path: Path) -> FileType | None:
    """The type of the file at ``path`` judged by its bytes (magic numbers; for the Office
    formats, the parts inside the ZIP container). None when it is none of the accepted types."""
    with path.open("rb") as file:
        head = file.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        if _zip_problem(path, "DOCX") is None:
            return DOCX
        if _zip_problem(path, "XLSX") is None:
            return XLSX
        with path.open("rb") as file:  # an office document that fails the checks: named for the refusal
            kinds = [label for label, part in (("DOCX", b"word/document.xml"), ("XLSX", b"xl/workbook.xml")) if part in file.read()]
        return DOCX if kinds == ["DOCX"] else XLSX if kinds == ["XLSX"] else None
    return None


# What an office document may hold: this many parts, this much once unpacked.
MAX_ZIP_ENTRIES = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
REQUIRED_PARTS = {"DOCX": ("[Content_Types].xml", "_rels/.rels", "word/document.xml"),
                  "XLSX": ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")}
# Parts that are programs (or macros) by name, and contents that are programs by their first bytes.
_PROGRAM_NAME = re.compile(r"(?i)\.(exe|dll|com|scr|bat|cmd|ps1|vbs|vbe|js|jse|wsf|msi|jar|sh|bin|elf|so|dylib|apk|hta|lnk)$")
_PROGRAM_HEAD = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"PK\x03\x04")
# Markup a browser would run if it were told the file is a page.
_MARKUP = re.compile(rb"(?i)<\s*(html|script|body|iframe|svg|object|embed)\b|<!doctype\s+html|javascript:")
_EOCD = b"PK\x05\x06"


def _zip_problem(path: Path, label: str) -> Text | None:
    """The central directory is read first from the file's last bytes, so a zip of 200,000 empty
    entries is refused before anything builds a list of them."""
    size = path.stat().st_size
    with path.open("rb") as file:
        file.seek(max(0, size - 65557))
        tail = file.read()
    where = tail.rfind(_EOCD)
    if where < 0 or len(tail) - where < 22:
        return _("it is not a complete ZIP container")
    entries, directory_size, _directory_at, comment_length = struct.unpack("<xxxxxxxxxxHIIH", tail[where:where + 22])
    if where + 22 + comment_length != len(tail):
        return _("something is appended after the end of the document")
    if entries > MAX_ZIP_ENTRIES or entries == 0xFFFF:
        return _("it holds more than {count} parts", count=MAX_ZIP_ENTRIES)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_ENTRIES:
                return _("it holds more than {count} parts", count=MAX_ZIP_ENTRIES)
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                return _("it unpacks to more than {size} MB", size=MAX_UNPACKED_BYTES // 1024 // 1024)
            names = {member.filename for member in members}
            missing = [part for part in REQUIRED_PARTS[label] if part not in names]
            if missing:
                return _("parts of a {label} file are missing ({parts})", label=label, parts=", ".join(missing))
            for member in members:
                if _PROGRAM_NAME.search(member.filename) or member.filename.startswith("/") or ".." in member.filename.split("/"):
                    return _("it contains a program or a file outside the document ({name})", name=member.filename)
                if not member.is_dir():
                    with archive.open(member) as part:
                        if part.read(4).startswith(_PROGRAM_HEAD):
                            return _("it contains a program or a file outside the document ({name})", name=member.filename)
    # How zipfile fails on a file that is not a whole, plain ZIP: a broken directory (BadZipFile),
    # ZIP64 it will not read (LargeZipFile), a compression method it lacks (NotImplementedError),
    # an encrypted part (RuntimeError), a truncated part (EOFError, OSError). Each is the upload's
    # fault, refused next to its field; nothing else is caught.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        return _("it is not a complete ZIP container")
    return None


def _pdf_problem(content: bytes) -> Text | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    end = content.rfind(b"%%EOF")
    if end < 0 or content[end + 5:].strip(b"\r\n\t \x00"):
        return _("something is appended after the end of the document")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if len(reader.pages) < 1:
                return _("the PDF has no page")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, struct.error, zlib.error):
        return _("the PDF cannot be read")
    return None


# An image is decoded whole to be checked: a 13,370 × 13,370 PNG of 694 KB unpacks to 700 MB. Its
# width and height are read from the header first, and refused above this many pixels (a 40 MP
# scan is an A4 page at 600 dpi four times over) or this many on a side; Pillow's own bomb
# limit is set to the same figure.
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 20_000


def _image_problem(path: Path, content: bytes, file_type: "FileType") -> Text | None:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    too_large = _("it is larger than {limit} million pixels (or {side} on a side); scan it at a lower resolution",
                  limit=MAX_IMAGE_PIXELS // 1_000_000, side=MAX_IMAGE_SIDE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused below, in words
            with Image.open(path) as image:  # reads the header only
                if image.format != file_type.label:
                    return _("the image cannot be decoded")
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
                    return too_large
                image.load()
    except Image.DecompressionBombError:  # Pillow's own check, at twice the limit, when the header is read
        return too_large
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return _("the image cannot be decoded")
    ending = b"IEND\xaeB`\x82" if file_type is PNG else b"\xff\xd9"
    end = content.rfind(ending)
    if end < 0 or content[end + len(ending):].strip(b"\r\n\t \x00"):
        return _("something is appended after the end of the image")
    return None


def content_problem(path: Path, file_type: "FileType") -> Text | None:
    """Why a file whose first bytes say ``file_type`` is not (only) such a file, or None."""
    if file_type.label in REQUIRED_PARTS:
        return _zip_problem(path, file_type.label)
    content = path.read_bytes()
    if _MARKUP.search(content):
        return _("it also holds web page markup (HTML or script), which a document or an image never does")
    if file_type is PDF:
        return _pdf_problem(content)
    return _image_problem(path, content, file_type)


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def sanitise_name(name: str, file_type: FileType) -> str:
    """The user's file name without any directory part, control or reserved characters, or
    leading dots, Vietnamese letters kept (NFC), and an extension that says what the file is."""
    base = strip_bidi(unicodedata.normalize("NFC", name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    if "." + extension.lower() not in file_type.extensions:
        stem = base  # keep what was there, add the real extension
        extension = file_type.extensions[0][1:]
    stem = stem.strip(" ._") or "tep"
    return f"{stem[:200]}.{extension.lower()}"


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def referenced_blobs(session: Session, among: list[str] | None = None) -> set[str]:
    """The blobs (of ``among``, or all) some row refers to: the attachments' files and the
    signature images of the signing keys."""
    files = select(Attachment.sha256).distinct()
    images = select(SigningKey.image_sha256).where(SigningKey.image_sha256.is_not(None))
    if among is not None:
        files, images = files.where(Attachment.sha256.in_(among)), images.where(SigningKey.image_sha256.in_(among))
    return set(session.scalars(files)) | set(session.scalars(images))


class FileStore:
    """Files by SHA-256 under one directory (``FILES_DIR``, default ``instance/files``); the
    digital signatures of an uploaded PDF are checked against the CA certificates and CRLs of
    ``trust_roots`` (``TRUST_ROOTS``; none: no signature is trusted)."""

    def __init__(self, directory: Path, max_bytes: int, trust_roots: Path | None = None):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.trust_roots = Path(trust_roots) if trust_roots else None

    @classmethod
    def from_settings(cls, settings) -> "FileStore":  # vocabulary.config.Settings
        return cls(settings.files_dir, settings.max_upload_bytes, settings.trust_roots)

    def path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("not a SHA-256")
        return self.directory / sha256[:2] / sha256

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def store_upload(self, stream: BinaryIO, filename: str, *, field: str = "file") -> StoredFile:
        """Check and keep an uploaded file. Raises :class:`BadData` (naming ``field``) for an
        empty file, one over the size limit or one of a type not accepted; nothing is kept then."""
        temporary = self._receive(stream, field, filename)
        try:
            size = temporary.stat().st_size
            if size == 0:
                raise BadData(_("{name}: the file is empty.", name=filename or "?"), field=field)
            file_type = sniff(temporary)
            if file_type is None:
                raise BadData(
                    _("{name}: the content is not a PDF, DOCX, XLSX, JPEG or PNG file (whatever its name says); only these types are accepted.", name=filename or "?"),
                    field=field,
                )
            problem = content_problem(temporary, file_type)
            if problem is not None:
                raise BadData(_("{name}: refused as a {label} file: {reason}.", name=filename or "?", label=file_type.label, reason=problem), field=field)
            signatures = self.signatures(temporary.read_bytes()) if file_type is PDF else None
            sha256 = self._keep(temporary)
        finally:
            temporary.unlink(missing_ok=True)
        return StoredFile(sha256, size, file_type.content_type, sanitise_name(filename, file_type), signatures)

    def signatures(self, pdf: bytes) -> dict[str, Any]:
        """The verdict on a PDF's digital signatures against this store's trust roots."""
        return signature_check(pdf, self.trust_roots)

    def store_path(self, path: Path, *, field: str = "file") -> StoredFile:
        """A file given by its path (the CLI's ``--set file=/path/x.pdf``)."""
        try:
            with Path(path).open("rb") as stream:
                return self.store_upload(stream, Path(path).name, field=field)
        except OSError as error:
            raise BadData(_("{name}: the file cannot be read ({reason}).", name=str(path), reason=error.strerror or str(error)), field=field) from None

    def store_generated(self, content: bytes, filename: str, file_type: FileType) -> StoredFile:
        """A document this application made (no size limit, type known)."""
        with self._temporary() as (temporary, handle):
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            sha256 = self._keep(temporary)
        finally:
            temporary.unlink(missing_ok=True)
        return StoredFile(sha256, len(content), file_type.content_type, sanitise_name(filename, file_type))

    def _temporary(self):
        incoming = self.directory / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=incoming)
        return _Temporary(Path(name), os.fdopen(descriptor, "wb"))

    def _receive(self, stream: BinaryIO, field: str, filename: str) -> Path:
        with self._temporary() as (temporary, handle):
            received = 0
            try:
                while chunk := stream.read(CHUNK):
                    received += len(chunk)
                    if received > self.max_bytes:
                        raise BadData(
                            _("{name}: the file is larger than the limit of {limit} MB.", name=filename or "?", limit=round(self.max_bytes / 1024 / 1024, 1)),
                            field=field,
                        )
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        return temporary

    def _keep(self, temporary: Path) -> str:
        digest = hashlib.sha256()
        with temporary.open("rb") as file:
            while chunk := file.read(CHUNK):
                digest.update(chunk)
        sha256 = digest.hexdigest()
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.utime(target)  # a fresh upload of known bytes: restart its grace period
        except FileNotFoundError:
            os.chmod(temporary, 0o440)
            os.replace(temporary, target)
            _fsync_directory(target.parent)
            note_written(target)
        return sha256

    def cleanup_orphans(self, session: Session, now: datetime, grace: timedelta = DEFAULT_GRACE) -> list[str]:
        """Delete blobs (and interrupted uploads) no attachment refers to, older than ``grace``.
        Returns the SHA-256 (or names) of what was removed."""
        if not self.directory.exists():
            return []
        cutoff = (now - grace).timestamp()
        referenced = referenced_blobs(session)
        session.rollback()
        removed = []
        for path in sorted(self.directory.glob("*/*")):
            if not path.is_file() or path.stat().st_mtime >= cutoff:
                continue
            if path.parent.name == "incoming" or path.name not in referenced:
                path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed


class _Temporary:
    """A temporary file in the store's ``incoming`` folder, as ``(path, handle)``."""

    def __init__(self, path: Path, handle: BinaryIO):
        self.path, self.handle = path, handle

    def __enter__(self) -> tuple[Path, BinaryIO]:
        return self.path, self.handle

    def __exit__(self, *exc: object) -> None:
        self.handle.close()
