"""Small real files of each accepted type (and some that must be refused), made on the spot."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import docx
import openpyxl
import PIL.Image
import pypdf

def _pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _pdf()


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


JPEG = _jpeg()


def docx_bytes(text: str = "Báo cáo kết quả thực hiện nhiệm vụ CCHC") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Phụ lục"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(directory: Path, name: str, content: bytes) -> Path:
    path = directory / name
    path.write_bytes(content)
    return path
