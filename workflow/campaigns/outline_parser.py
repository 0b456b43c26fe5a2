"""Reads the report outlines (đề cương) out of the plan's text, item by item.

The text is a PDF-to-text copy: a wrapped line ends with a space and goes on after blank lines,
and page numbers stand alone on a line. The parser first rebuilds the logical lines, then reads
the outline's markers: ``A.``/``B.``/``C.`` headings, ``1.`` sections, ``I.`` headings, the
``a)`` / ``b)`` halves of an assessed section, ``-`` items and ``+`` sub-items.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

OUTLINE_START = "NỘI DUNG ĐỀ CƯƠNG KIỂM TRA"
PART_NAMES = {"PHẦN THỨ NHẤT": "P1", "PHẦN THỨ HAI": "P2"}

_LETTER = re.compile(r"^([A-C])\.\s+(.*)$")
_NUMBER = re.compile(r"^(\d+)\.\s+(.*)$")
_ROMAN = re.compile(r"^(I|II|III|IV|V)\.\s+(.*)$")
_HALF = re.compile(r"^([ab])\)\s+(.*)$")
_ITEM = re.compile(r"^([-+])\s+(.*)$")
_STRUCTURAL = (_LETTER, _NUMBER, _ROMAN, _HALF, _ITEM)


@dataclass
class ItemSpec:
    text: str
    children: list["ItemSpec"] = field(default_factory=list)


@dataclass
class SectionSpec:
    code: str
    heading: str
    title: str
    parent: str | None = None
    description: str | None = None
    assessed: bool = False
    items: list[ItemSpec] = field(default_factory=list)


@dataclass
class OutlineSpec:
    title: str
    audience: str
    sections: list[SectionSpec] = field(default_factory=list)

    def section(self, code: str) -> SectionSpec:
        return next(s for s in self.sections if s.code == code)


def _is_structural(line: str) -> bool:
    return any(pattern.match(line) for pattern in _STRUCTURAL) or line in PART_NAMES or line.startswith(OUTLINE_START)


def logical_lines(text: str) -> list[str]:
    """Undo the wrapping: a line ending in a space goes on in the next non-blank line, unless
    that line starts a new heading or item. Page numbers are dropped."""
    result: list[str] = []
    continues = False
    for raw in unicodedata.normalize("NFC", text).splitlines():
        line = raw.strip()
        if not line or line.isdigit():
            continue
        if continues and result and not _is_structural(line):
            result[-1] = f"{result[-1]} {line}"
        else:
            result.append(line)
        continues = raw.endswith(" ")
    return result


def parse_outlines(text: str) -> list[OutlineSpec]:
    lines = logical_lines(text[text.index(OUTLINE_START) - 1 :])
    outlines: list[OutlineSpec] = []
    outline: OutlineSpec | None = None
    part = letter = roman = None  # codes of the enclosing headings
    section: SectionSpec | None = None
    half: str | None = None
    header: list[str] = []

    def add(code: str, heading: str, title: str, parent: str | None) -> SectionSpec:
        spec = SectionSpec(code=code, heading=heading, title=title, parent=parent)
        outline.sections.append(spec)
        return spec

    for line in lines:
        if line.startswith(OUTLINE_START):
            header = []
            outline = None
            continue
        if outline is None and not (_LETTER.match(line) or line in PART_NAMES):
            header.append(line)
            continue
        if outline is None:
            subject = next((h for h in header if not h.startswith("(")), "")
            audience = next((h for h in header if h.startswith("(Dành cho")), "")
            outline = OutlineSpec(title=subject, audience=audience.strip("()"))
            outlines.append(outline)
            part = letter = roman = None
        if line in PART_NAMES:
            part, letter, roman = PART_NAMES[line], None, None
            section = add(part, line, "", None)
            half = "title"
            continue
        if half == "title" and section is not None and section.code == part and line.isupper() and not _is_structural(line):
            section.title = f"{section.title} {line}".strip()
            continue
        if match := _LETTER.match(line):
            letter, roman = match[1], None
            section = add(letter, f"{letter}.", match[2], part)
            half = None
        elif match := _ROMAN.match(line):
            roman = f"{letter}.{match[1]}" if letter == "C" else match[1]
            section = add(roman, f"{match[1]}.", match[2], letter if letter == "C" else part)
            half = None
        elif match := _NUMBER.match(line):
            parent = roman or letter
            section = add(f"{parent}.{match[1]}", f"{match[1]}.", match[2], parent)
            half = None
        elif match := _HALF.match(line):
            half = match[1]
            section.assessed = True
        elif match := _ITEM.match(line):
            if match[1] == "+" and section.items:
                section.items[-1].children.append(ItemSpec(match[2]))
            else:
                section.items.append(ItemSpec(match[2]))
        elif half == "a":
            section.items.append(ItemSpec(line))  # an item the plan wrote without a dash
        else:
            section.description = f"{section.description or ''} {line}".strip()
    return outlines
