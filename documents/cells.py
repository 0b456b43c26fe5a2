"""Spreadsheet cells that stay text: a value beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is a formula to Excel and Calc (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``), so
a comment or a name typed by a user must never reach a sheet as one."""
from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def text_cell(value: Any) -> Any:
    """For a CSV (or a sheet written by a library that guesses types): a leading apostrophe,
    which spreadsheets read as "this is text"."""
    return "".join(("'", value)) if looks_like_formula(value) else value  # join: a plain str, even from Markup


def keep_as_text(cell: Cell) -> None:
    """For a sheet written with openpyxl: the exact text, stored as a string, not a formula."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
