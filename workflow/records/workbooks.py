"""Opening a workbook someone uploaded (a criteria set, a campaign's units or schedule).

openpyxl parses the XML parts of an XLSX with lxml, which expands the entities a DTD declares
(a few hundred bytes that unfold to gigabytes) and resolves external ones. No spreadsheet program
writes a DTD, so a workbook whose XML declares one — or hides its markup in UTF-16 or 32, where a
search for the declaration would not see it — is refused, in words, before openpyxl reads a byte;
so is one that unpacks to more than the file store accepts of an office document."""
from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook, load_workbook

from vocabulary.i18n import _
from workflow.errors import BadData

from .files import MAX_UNPACKED_BYTES, MAX_ZIP_ENTRIES

_XML_PART = (".xml", ".rels", ".vml")
_DECLARATION = b"<!doctype"
_WIDE = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00", b"\x00<", b"<\x00")


def _refusal(content: bytes) -> str | None:
    """Why openpyxl must not read ``content``, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_ENTRIES or sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                return _("The workbook holds more than {count} parts or unpacks to more than {size} MB.", count=MAX_ZIP_ENTRIES,
                         size=MAX_UNPACKED_BYTES // 1024 // 1024)
            for member in members:
                if member.filename.lower().endswith(_XML_PART):
                    part = archive.read(member)
                    if part.startswith(_WIDE) or _DECLARATION in part.lower():
                        return _("The workbook declares a DTD (<!DOCTYPE …>) in {part}, which no spreadsheet program writes; "
                                 "it is refused unread. Open it in Excel or LibreOffice, save it again as XLSX and import that file.",
                                 part=member.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        return _("The file is not an XLSX workbook, or it is damaged.")
    return None


def open_workbook(content: bytes, field: str = "file", **options: object) -> Workbook:
    """openpyxl's ``load_workbook(content, **options)`` of a workbook that passed the checks above;
    :class:`BadData` naming ``field`` otherwise."""
    refusal = _refusal(content)
    if refusal is not None:
        raise BadData(refusal, field=field)
    return load_workbook(io.BytesIO(content), **options)
