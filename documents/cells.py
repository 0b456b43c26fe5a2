"""Spreadsheet cells that stay text: a value beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is a formula to Excel and Calc (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``), so
a comment or a name typed by a user must never reach a sheet as one.

Every export goes through here: a workbook made with openpyxl is saved by :func:`workbook_bytes`
(or, written row by row, has each cell through :func:`keep_as_text`), and a CSV — or a sheet made
by a library that guesses types, as Flask-Admin's export does through tablib — has each value
through :func:`text_cell`."""
from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl loads when a sheet is made, not when this module is imported
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def text_cell(value: Any) -> Any:
    """For a CSV (or a sheet written by a library that guesses types): a leading apostrophe,
    which spreadsheets read as "this is text"."""
    return "".join(("'", value)) if looks_like_formula(value) else value  # join: a plain str, even from Markup


def keep_as_text(cell: Cell) -> None:
    """For a sheet written with openpyxl: the exact text, stored as a string (never a formula) and
    marked as typed after an apostrophe (``quotePrefix``), so that editing the cell in Excel or
    Calc keeps it text too. The value itself is unchanged: a table downloaded, edited and
    uploaded again reads back what it held."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_bytes(workbook: Workbook) -> bytes:
    """The XLSX file of ``workbook`` (made in openpyxl's normal mode), every cell of every sheet
    through :func:`keep_as_text` first."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                keep_as_text(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
