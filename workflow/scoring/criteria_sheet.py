"""The criteria file as an XLSX workbook, beside the TOML one: what a coordinator fills in a
spreadsheet. Three sheets — "Thông tin chung" (the set's title, kind of unit, sample, note),
"Xếp loại" (the ranking bands) and "Tiêu chí" (one row per field, criterion and sub-criterion,
its level given in the column "Cấp" or by the dots of its code) — and a fourth, "Hướng dẫn",
that explains them. Reading gives the same :class:`CriteriaFile` the TOML gives, validated by the
same schema; every problem names its sheet, row and column, and nothing is imported then.
Writing gives the workbook of a set (its export, or the template a coordinator starts from).
"""
from __future__ import annotations

import re
import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from documents.cells import workbook_bytes
from vocabulary.i18n import _
from workflow.engine.trigger_data import _problem  # the same reasons as the triggers' and the TOML file's
from workflow.errors import BadData, Problem
from workflow.records.workbooks import open_workbook
from workflow.scoring.criteria_file import CriteriaFile, NodeIn

Locate = Callable[[tuple[Any, ...], str], Problem]

INFO, BANDS, CRITERIA, HELP = "Thông tin chung", "Xếp loại", "Tiêu chí", "Hướng dẫn"
# The first sheet: a label in column A, its value in column B.
INFO_ROWS = {"title": "Tên bộ tiêu chí", "unit_kind": "Loại đơn vị", "sample": "Bộ tiêu chí mẫu", "note": "Ghi chú"}
BAND_COLUMNS = {"label": "Mức xếp loại", "min_percent": "Từ (% điểm tối đa)"}
COLUMNS = {  # key of the criteria file → header of its column in the sheet "Tiêu chí"
    "depth": "Cấp", "code": "Mã", "title": "Nội dung", "max_points": "Điểm tối đa", "method": "Cách chấm",
    "options": "Các mức / khung tỷ lệ", "evidence": "Cần tài liệu kiểm chứng", "section": "Mục đề cương", "guidance": "Hướng dẫn",
}
REQUIRED_COLUMNS = ("code", "title", "max_points", "method")
MAX_ROWS = 2000  # far above any province's set; a sheet longer than this is not read further
UNIT_KINDS = {"office": "Cơ quan chuyên môn", "commune": "UBND cấp xã"}
METHODS = {"yes_no": "Có / không", "level": "Theo mức", "rate": "Tỷ lệ (%)"}
YES, NO = "Có", "Không"
WIDTHS = {"depth": 6, "code": 9, "title": 60, "max_points": 10, "method": 12, "options": 40, "evidence": 12, "section": 10, "guidance": 50}
HELP_LINES = (
    "Bộ tiêu chí (Bộ chỉ số CCHC) dạng bảng tính; nạp ở trang \u201cChấm điểm Chỉ số CCHC\u201d như tệp TOML.",
    "Trang \u201cThông tin chung\u201d: tên bộ tiêu chí; loại đơn vị (Cơ quan chuyên môn hoặc UBND cấp xã); bộ tiêu chí mẫu (Có / Không); ghi chú.",
    "Trang \u201cXếp loại\u201d: mỗi dòng một mức, từ mức cao nhất; cột \u201cTừ (% điểm tối đa)\u201d giảm dần, mức cuối từ 0.",
    "Trang \u201cTiêu chí\u201d: mỗi dòng một lĩnh vực (Cấp 1), tiêu chí (Cấp 2) hoặc tiêu chí thành phần (Cấp 3), theo thứ tự; "
    "bỏ trống cột Cấp thì lấy theo số dấu chấm của mã (1 → lĩnh vực, 1.1 → tiêu chí, 1.1.1 → tiêu chí thành phần).",
    "Dòng có tiêu chí con thì không ghi cách chấm: điểm của nó là tổng điểm các tiêu chí con, tối đa bằng điểm tối đa của nó.",
    "Cách chấm: Có / không (đạt: điểm tối đa; không đạt: 0); Theo mức (cột \u201cCác mức / khung tỷ lệ\u201d: mỗi dòng \u201cmức: điểm\u201d); "
    "Tỷ lệ (%) (mỗi dòng \u201c≥ tỷ lệ: điểm\u201d, dưới khung thấp nhất: 0 điểm).",
    "Cần tài liệu kiểm chứng: Có hoặc bỏ trống. Mục đề cương: mã mục của đề cương báo cáo (ví dụ B.3); tiêu chí con lấy mục của tiêu chí cha khi bỏ trống.",
)


def _fold(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


class _Sheets:
    """Where each value of the workbook came from, to name it in a problem."""

    def __init__(self) -> None:
        self.cells: dict[tuple[Any, ...], tuple[str, int, str | None]] = {}  # loc → (sheet, row, column letter)
        self.columns: dict[str, dict[str, int]] = {}  # sheet → key → column number
        self.problems: list[Problem] = []
        self.rows: list[tuple[str, int | None]] = []  # (sheet, row) of each problem found while reading

    def note(self, loc: tuple[Any, ...], sheet: str, row: int, key: str | None = None) -> None:
        column = self.columns.get(sheet, {}).get(key) if key else None
        self.cells[loc] = (sheet, row, get_column_letter(column) if column else None)

    def at(self, sheet: str, row: int | None, column: str | None, problem: str) -> Problem:
        if row is None:
            text = _("Sheet \u201c{sheet}\u201d: {problem}", sheet=sheet, problem=problem)
        elif column is None:
            text = _("Sheet \u201c{sheet}\u201d, row {row}: {problem}", sheet=sheet, row=row, problem=problem)
        else:
            text = _("Sheet \u201c{sheet}\u201d, row {row}, column {column}: {problem}", sheet=sheet, row=row, column=column, problem=problem)
        return Problem(text, f"{sheet}!{column or ''}{row or ''}")

    def refuse(self, sheet: str, row: int | None, key: str | None, problem: str) -> None:
        column = self.columns.get(sheet, {}).get(key) if key else None
        self.problems.append(self.at(sheet, row, get_column_letter(column) if column else None, problem))
        self.rows.append((sheet, row))

    def _cell(self, loc: tuple[Any, ...]) -> tuple[str, int, str | None] | None:
        """The cell of the value at ``loc`` (as pydantic names it), or the row or sheet of the
        nearest enclosing value."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.cells:
                return self.cells[loc[:end]]
        return None

    def where(self, loc: tuple[Any, ...]) -> tuple[str, int] | None:
        cell = self._cell(loc)
        return (cell[0], cell[1]) if cell else None

    def locate(self, loc: tuple[Any, ...], problem: str) -> Problem:
        cell = self._cell(loc)
        if cell is None:
            return Problem(_("The file: {problem}", problem=problem), ".".join(map(str, loc)) or None)
        return self.at(*cell, problem)


def _number(value: Any) -> Any:
    """A cell's number as a Decimal ("8,5" and 8.5 alike); anything else as it is, for the schema
    to refuse with its own words."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    text = str(value).strip().replace(",", ".")
    try:
        return Decimal(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else value
    except InvalidOperation:
        return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return text.strip() or None


def _yes_no(sheets: _Sheets, sheet: str, row: int, key: str, value: Any) -> bool:
    folded = _fold(value)
    if folded in ("", "0", "false", "không", "khong", "no"):
        return False
    if folded in ("1", "true", "có", "co", "x", "yes"):
        return True
    sheets.refuse(sheet, row, key, str(_("must be {yes} or {no} (or left empty)", yes=YES, no=NO)))
    return False


def _choice(sheets: _Sheets, sheet: str, row: int, key: str, value: Any, choices: dict[str, str]) -> str | None:
    """A code of ``choices`` written as its code or its label, whatever the case."""
    folded = _fold(value)
    if not folded:
        return None
    for code, label in choices.items():
        if folded in (code.casefold(), _fold(label)):
            return code
    sheets.refuse(sheet, row, key, str(_("must be one of {choices}", choices=", ".join(choices.values()))))
    return None


def _options(sheets: _Sheets, row: int, method: str | None, value: Any, method_given: bool) -> tuple[list[dict], list[dict]]:
    """The levels ("label: points") or the rate bands ("≥ 95: 4") of a row, one a line (or
    separated by ";" when the cell is on one line)."""
    text = _text(value)
    if not text or method not in ("level", "rate"):
        if text and (method is not None or not method_given):  # an unknown method is refused once, on its own cell
            sheets.refuse(CRITERIA, row, "options", str(_("only a criterion scored by level or by a rate has levels or rate bands")))
        return [], []
    parts = [part.strip() for part in (text.splitlines() if "\n" in text else text.split(";")) if part.strip()]
    found = []
    for part in parts:
        left, colon, right = part.rpartition(":")
        points = _number(right)
        floor = _number(left.strip().lstrip("≥>=").replace("%", "").strip().removeprefix("từ").strip()) if method == "rate" else None
        if not colon or not left.strip() or not isinstance(points, Decimal) or (method == "rate" and not isinstance(floor, Decimal)):
            example = "Đầy đủ, đúng hạn: 2" if method == "level" else "≥ 95: 4"
            sheets.refuse(CRITERIA, row, "options", str(_("\u201c{part}\u201d: write one {kind} a line, as \u201c{example}\u201d",
                                                          part=part, kind=_("level") if method == "level" else _("rate band"), example=example)))
            continue
        found.append({"label": left.strip(), "points": points} if method == "level" else {"min": floor, "points": points})
    return (found, []) if method == "level" else ([], found)


def _headers(sheets: _Sheets, sheet: str, worksheet, wanted: dict[str, str], required: tuple[str, ...]) -> bool:
    first = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    by_header = {_fold(value): number for number, value in enumerate(first, start=1) if value is not None}
    sheets.columns[sheet] = {key: by_header[_fold(header)] for key, header in wanted.items() if _fold(header) in by_header}
    missing = [wanted[key] for key in required if key not in sheets.columns[sheet]]
    for header in missing:
        sheets.refuse(sheet, 1, None, str(_("no column \u201c{column}\u201d in the first row", column=header)))
    return not missing


def _rows(worksheet, sheets: _Sheets, sheet: str):
    """(row number, {key: value}) of every row below the headers that has a value."""
    for number, values in enumerate(worksheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS:
            sheets.refuse(sheet, number, None, str(_("the sheet has more than {count} rows: it is not read further", count=MAX_ROWS)))
            return
        row = {key: values[column - 1] if column - 1 < len(values) else None for key, column in sheets.columns[sheet].items()}
        if any(value not in (None, "") for value in row.values()):
            yield number, row


def _info(sheets: _Sheets, worksheet) -> dict[str, Any]:
    sheets.columns[INFO] = {"value": 2}
    labels = {_fold(label): key for key, label in INFO_ROWS.items()}
    data: dict[str, Any] = {}
    for number, values in enumerate(worksheet.iter_rows(min_row=1, max_row=len(INFO_ROWS) + 20, max_col=2, values_only=True), start=1):
        key = labels.get(_fold(values[0] if values else None))
        if key is None:
            continue
        value = values[1] if len(values) > 1 else None
        sheets.note((key,), INFO, number, "value")
        if key == "unit_kind":
            data[key] = _choice(sheets, INFO, number, "value", value, UNIT_KINDS) or ""
        elif key == "sample":
            data[key] = _yes_no(sheets, INFO, number, "value", value)
        elif _text(value) is not None:
            data[key] = _text(value)
    for key in ("title", "unit_kind"):
        if key not in data:
            sheets.refuse(INFO, None, None, str(_("no row \u201c{label}\u201d (its label in column A, its value in column B)", label=INFO_ROWS[key])))
    return data


def _bands(sheets: _Sheets, worksheet) -> list[dict[str, Any]]:
    if not _headers(sheets, BANDS, worksheet, BAND_COLUMNS, tuple(BAND_COLUMNS)):
        return []
    bands = []
    for number, row in _rows(worksheet, sheets, BANDS):
        position = len(bands)
        sheets.note(("bands", position), BANDS, number)
        for key in BAND_COLUMNS:
            sheets.note(("bands", position, key), BANDS, number, key)
        bands.append({"label": _text(row["label"]) or "", "min_percent": _number(row["min_percent"])})
    return bands


def _criteria(sheets: _Sheets, worksheet) -> list[dict[str, Any]]:
    if not _headers(sheets, CRITERIA, worksheet, COLUMNS, REQUIRED_COLUMNS):
        return []
    fields: list[dict[str, Any]] = []
    parents: list[tuple[tuple[Any, ...], dict[str, Any]]] = []  # the open node at each depth: (loc, node)
    for number, row in _rows(worksheet, sheets, CRITERIA):
        code = _text(row.get("code")) or ""
        level = _number(row.get("depth"))
        depth = int(level) - 1 if isinstance(level, Decimal) and level == level.to_integral_value() else (code.count(".") if level is None else -1)
        if depth not in (0, 1, 2):
            sheets.refuse(CRITERIA, number, "depth" if level is not None else "code",
                          str(_("the level must be 1 (field), 2 (criterion) or 3 (sub-criterion)")))
            continue
        if depth > len(parents):
            sheets.refuse(CRITERIA, number, None, str(_("a criterion comes after its field, a sub-criterion after its criterion")))
            continue
        method = _choice(sheets, CRITERIA, number, "method", row.get("method"), METHODS)
        levels, rate_bands = _options(sheets, number, method, row.get("options"), bool(_fold(row.get("method"))))
        node: dict[str, Any] = {
            "code": code, "title": _text(row.get("title")) or "", "max_points": _number(row.get("max_points")), "method": method,
            "levels": levels, "rate_bands": rate_bands, "evidence": _yes_no(sheets, CRITERIA, number, "evidence", row.get("evidence")),
            "section": _text(row.get("section")), "guidance": _text(row.get("guidance")),
        }
        if depth == 0:
            loc: tuple[Any, ...] = ("fields", len(fields))
            fields.append(node | {"criteria": []})
        else:
            parent_loc, parent = parents[depth - 1]
            children = "criteria" if depth == 1 else "subcriteria"
            loc = (*parent_loc, children, len(parent[children]))
            parent[children].append(node | ({"subcriteria": []} if depth == 1 else {}))
            node = parent[children][-1]
        del parents[depth:]
        parents.append((loc, node if depth else fields[-1]))
        sheets.note(loc, CRITERIA, number)
        for key in ("code", "title", "max_points", "method", "evidence", "section", "guidance"):
            sheets.note((*loc, key), CRITERIA, number, key)
        for key in ("levels", "rate_bands"):
            sheets.note((*loc, key), CRITERIA, number, "options")
    return fields


def _reading_order(field: str | None, sheets: list[str]) -> tuple[int, int, str]:
    sheet, _mark, cell = (field or "").partition("!")
    row = re.search(r"\d+$", cell)
    return (sheets.index(sheet) if sheet in sheets else -1, int(row[0]) if row else 0, cell)


def is_workbook(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def read_workbook(content: bytes) -> tuple[CriteriaFile, Locate]:
    """The criteria set in the XLSX ``content`` and where each of its values is (to name the
    cell of a later problem), or :class:`BadData` with every problem, each at its cell."""
    try:
        workbook = open_workbook(content, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise BadData(_("The file is not an XLSX workbook, or it is damaged."), field="file") from None
    sheets = _Sheets()
    found = {_fold(name): workbook[name] for name in workbook.sheetnames}
    missing = [name for name in (INFO, BANDS, CRITERIA) if _fold(name) not in found]
    if missing:
        workbook.close()
        raise BadData([Problem(_("The workbook has no sheet \u201c{sheet}\u201d.", sheet=name), "file") for name in missing])
    data = {**_info(sheets, found[_fold(INFO)]), "bands": _bands(sheets, found[_fold(BANDS)]),
            "fields": _criteria(sheets, found[_fold(CRITERIA)])}
    workbook.close()
    try:
        parsed = CriteriaFile.model_validate(data)
    except ValidationError as error:
        refused_rows = set(sheets.rows)
        for detail in error.errors():  # what the schema finds besides, on the rows not refused already
            loc = tuple(detail["loc"])
            reason = detail["msg"].removeprefix("Value error, ") if detail["type"] == "value_error" else str(_problem(CriteriaFile, detail).text)
            problem = sheets.locate(loc, reason)
            if sheets.where(loc) not in refused_rows:
                sheets.problems.append(problem)
    if sheets.problems:
        order = [INFO, BANDS, CRITERIA]  # as a reader goes through the workbook: sheet by sheet, row by row
        raise BadData(sorted(sheets.problems, key=lambda p: _reading_order(p.field, order)))
    return parsed, sheets.locate


# --- writing ------------------------------------------------------------------------------------

def _points(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _shown(value: Decimal) -> str:
    return f"{value:f}".rstrip("0").rstrip(".").replace(".", ",") if "." in f"{value:f}" else f"{value:f}"


def _options_text(node: NodeIn) -> str | None:
    if node.method == "level":
        return "\n".join(f"{level.label}: {_shown(level.points)}" for level in node.levels)
    if node.method == "rate":
        return "\n".join(f"≥ {_shown(band.min)}: {_shown(band.points)}" for band in sorted(node.rate_bands, key=lambda b: -b.min))
    return None


def write_workbook(criteria: CriteriaFile) -> bytes:
    """The set as a workbook that :func:`read_workbook` reads back to the same set."""
    workbook = Workbook()
    bold = Font(bold=True)
    info = workbook.active
    info.title = INFO
    values = {"title": criteria.title, "unit_kind": UNIT_KINDS[criteria.unit_kind], "sample": YES if criteria.sample else NO, "note": criteria.note}
    for key, label in INFO_ROWS.items():
        info.append([label, values[key]])
        info.cell(info.max_row, 1).font = bold
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 22, 90
    bands = workbook.create_sheet(BANDS)
    bands.append(list(BAND_COLUMNS.values()))
    for band in criteria.bands:
        bands.append([band.label, _points(band.min_percent)])
    bands.column_dimensions["A"].width, bands.column_dimensions["B"].width = 20, 20
    sheet = workbook.create_sheet(CRITERIA)
    sheet.append(list(COLUMNS.values()))
    for _loc, depth, node, _parent in criteria.walk():
        sheet.append([depth + 1, node.code, node.title, _points(node.max_points), METHODS.get(node.method or "", None), _options_text(node),
                      YES if node.evidence else None, node.section, node.guidance])
        if depth == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = bold
    for sheet_ in (bands, sheet):
        for cell in sheet_[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, key in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[key]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    help_sheet = workbook.create_sheet(HELP)
    for line in HELP_LINES:
        help_sheet.append([line])
        help_sheet.cell(help_sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    help_sheet.column_dimensions["A"].width = 120
    return workbook_bytes(workbook)
