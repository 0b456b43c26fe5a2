"""Reading generated DOCX files back: their text in document order, and the run carrying a text."""
from __future__ import annotations

import io
from typing import Iterator

import docx
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


def open_docx(content: bytes) -> Document:
    return docx.Document(io.BytesIO(content))


def paragraphs(document: Document) -> Iterator[Paragraph]:
    """Every paragraph, those in tables included, in the order they appear."""
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            yield Paragraph(block, document)
        elif block.tag.endswith("}tbl"):
            table = Table(block, document)
            for row in table.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from cell.paragraphs


def lines(document: Document) -> list[str]:
    return [p.text for p in paragraphs(document) if p.text.strip()]


def in_order(document: Document, *parts: str) -> list[int]:
    """Positions of the first line containing each part, each after the previous one; fails
    naming the part that is missing or out of order."""
    text = lines(document)
    positions, start = [], 0
    for part in parts:
        found = next((i for i in range(start, len(text)) if part in text[i]), None)
        assert found is not None, f"{part!r} missing or out of order after line {start}: {text[start:start + 5]}"
        positions.append(found)
        start = found + 1
    return positions


def run_of(document: Document, text: str):
    """The first run whose paragraph's text is exactly ``text``."""
    paragraph = next(p for p in paragraphs(document) if p.text == text)
    return next(run for run in paragraph.runs if run.text)
