"""A draft's units and schedule as XLSX, since coordinators keep them in Excel: download the table,
edit it, upload it back. Reading checks every row first; one bad row refuses the whole table with
its row and column named, and nothing is changed. The change itself is the one
``workflow.campaigns`` makes from the planning pages."""
from __future__ import annotations

from datetime import date, datetime, time
from io import BytesIO
from typing import Any, Callable

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from documents.cells import workbook_bytes
from models import Campaign
from vocabulary.campaigns import PLANNED_KINDS
from vocabulary.i18n import N_, Text, _, gettext
from vocabulary.states import KIND_LABELS, UNIT_KIND_LABELS
from workflow.campaigns import units as unit_registry
from workflow.errors import BadData, Problem
from workflow.people.permissions import Actor
from workflow.records.workbooks import open_workbook

from . import planning

FIELD = "table"  # the upload field the refusals are shown next to
UNIT_HEADERS = (N_("No."), N_("Unit"), N_("Full name"), N_("Type"), N_("Kind of inspection"))
SCHEDULE_HEADERS = (N_("No."), N_("Unit"), N_("Inspection date"), N_("Time"))
WIDTHS = (6, 40, 55, 28, 22)


def _workbook(title: str, headers: tuple[str, ...], rows: list[list[Any]], formats: dict[int, str]) -> BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([gettext(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append(row)
    for column, width in enumerate(WIDTHS[: len(headers)], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    sheet.freeze_panes = "A2"
    return BytesIO(workbook_bytes(book))


def _kind_labels() -> dict[str, str]:
    return {kind: gettext(KIND_LABELS[kind]) for kind in PLANNED_KINDS}


def units_workbook(session: Session, campaign: Campaign) -> BytesIO:
    """Every unit current on the campaign's first day; the last column says how it is inspected."""
    listed = {line.unit_id: line.kind for line in campaign.units}
    labels = _kind_labels()
    units = planning.in_plan_order(campaign, unit_registry.units_current_on(session, campaign.window_start))
    rows = [[number, unit.name, unit.full_name, gettext(UNIT_KIND_LABELS[unit.kind]), labels.get(listed.get(unit.id), "")]
            for number, unit in enumerate(units, start=1)]
    return _workbook(gettext("Units"), UNIT_HEADERS, rows, {})


def schedule_workbook(session: Session, campaign: Campaign) -> BytesIO:
    rows = [[number, line.unit_name, line.visit_date, line.visit_time]
            for number, line in enumerate((line for line in campaign.units if line.kind == "direct"), start=1)]
    return _workbook(gettext("Schedule"), SCHEDULE_HEADERS, rows, {3: "DD/MM/YYYY", 4: "HH:MM"})


def _rows(data: bytes, headers: tuple[str, ...]) -> list[tuple[int, tuple[Any, ...]]]:
    """The data rows (with their row number in the sheet), after checking it is our table."""
    try:
        sheet = open_workbook(data, FIELD, data_only=True).active
    except BadData:  # a DTD, refused before openpyxl parses
        raise
    except Exception:  # openpyxl raises many kinds of errors on a file that is not XLSX
        raise BadData(_("The file is not an Excel workbook (XLSX)."), field=FIELD) from None
    rows = list(sheet.iter_rows(values_only=True))
    expected = [gettext(header) for header in headers]
    if not rows or [str(cell or "").strip() for cell in rows[0][: len(expected)]] != expected:
        raise BadData(_("Row 1 must be the header row of the downloaded table: {headers}.", headers=", ".join(expected)), field=FIELD)
    return [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell not in (None, "") for cell in row)]


def _cell_problem(row: int, column: int, text: Text) -> Problem:
    return Problem(_("Row {row}, column {column}: {problem}", row=row, column=get_column_letter(column), problem=text), FIELD)


def _read(data: bytes, headers: tuple[str, ...], read_row: Callable[[int, tuple[Any, ...]], Any]) -> list[Any]:
    """Every row read by ``read_row`` (which raises BadData naming its cell); all problems at once."""
    values, problems = [], []
    for number, row in _rows(data, headers):
        try:
            values.append(read_row(number, tuple(row) + (None,) * (len(headers) - len(row))))
        except BadData as error:
            problems.extend(error.problems)
    if problems:
        raise BadData(problems)
    return values


def read_units(session: Session, campaign: Campaign, data: bytes, actor: Actor, now: datetime) -> None:
    by_name = {unit.name: unit for unit in unit_registry.units_current_on(session, campaign.window_start)}
    kinds = {label.casefold(): kind for kind, label in _kind_labels().items()}

    def read_row(number: int, row: tuple[Any, ...]):
        name, kind_text = str(row[1] or "").strip(), str(row[4] or "").strip()
        if name not in by_name:
            raise BadData([_cell_problem(number, 2, _("there is no unit \u201c{name}\u201d on {day}", name=name, day=campaign.window_start))])
        if kind_text and kind_text.casefold() not in kinds:
            raise BadData([_cell_problem(number, 5, _("\u201c{value}\u201d is not one of: {choices}", value=kind_text,
                                                      choices=", ".join(_kind_labels().values())))])
        return by_name[name].id, kinds.get(kind_text.casefold())

    chosen = [(unit_id, kind) for unit_id, kind in _read(data, UNIT_HEADERS, read_row) if kind]
    planning.save_units(session, campaign, dict(chosen), actor, now)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value in (None, ""):
        return value or None
    try:
        return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(value) from None


def _as_time(value: Any) -> time | None:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time) or value in (None, ""):
        return value or None
    try:
        return datetime.strptime(str(value).strip(), "%H:%M").time()
    except ValueError:
        raise ValueError(value) from None


def read_schedule(session: Session, campaign: Campaign, data: bytes, actor: Actor, now: datetime) -> None:
    lines = {line.unit_name: line for line in campaign.units if line.kind == "direct"}

    def read_row(number: int, row: tuple[Any, ...]):
        name = str(row[1] or "").strip()
        if name not in lines:
            raise BadData([_cell_problem(number, 2, _("\u201c{name}\u201d is not inspected directly in this campaign", name=name))])
        problems = []
        try:
            day = _as_date(row[2])
        except ValueError:
            problems.append(_cell_problem(number, 3, _("\u201c{value}\u201d is not a date dd/mm/yyyy", value=row[2])))
        try:
            hour = _as_time(row[3])
        except ValueError:
            problems.append(_cell_problem(number, 4, _("\u201c{value}\u201d is not a time HH:MM", value=row[3])))
        if problems:
            raise BadData(problems)
        return number, lines[name].unit_id, day, hour

    rows = _read(data, SCHEDULE_HEADERS, read_row)
    cells = {planning.unit_field(field, unit_id): (number, column) for number, unit_id, _day, _hour in rows
             for field, column in (("visit_date", 3), ("visit_time", 4))}
    try:
        planning.save_schedule(session, campaign, [row[1:] for row in rows], actor, now)
    except BadData as error:  # the service names the unit's field; the table names its cell
        raise BadData([_cell_problem(*cells[p.field], p.text) if p.field in cells else p for p in error.problems]) from None
