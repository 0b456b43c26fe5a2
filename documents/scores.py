"""The scores against the Chỉ số CCHC in the documents: one paragraph and a table in the
conclusion notice, and the campaign's ranking as a spreadsheet and as the summary report's annex.
Plain facts in, nothing read from the database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Sequence

from .facts import dmy

if TYPE_CHECKING:  # python-docx and openpyxl load when a document is made, not at start-up
    from .layout import OfficialDocument

UNIT_KINDS = {"office": "cơ quan chuyên môn", "commune": "UBND xã, phường, thị trấn"}


def pts(value: Decimal | None) -> str:
    """Points the Vietnamese way: "8,5", "12"; a dash when there are none."""
    if value is None:
        return "–"
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass(frozen=True)
class FieldScore:
    code: str
    title: str
    maximum: Decimal
    self_points: Decimal | None
    final_points: Decimal | None


@dataclass(frozen=True)
class LostCriterion:
    code: str
    title: str
    maximum: Decimal
    self_points: Decimal | None
    final_points: Decimal | None
    reason: str | None = None


@dataclass(frozen=True)
class ScoreFacts:
    set_title: str
    sample: bool
    maximum: Decimal
    self_total: Decimal | None
    final_total: Decimal | None
    band: str | None
    fields: tuple[FieldScore, ...]
    lost: tuple[LostCriterion, ...]


def scores_part(document: OfficialDocument, scores: ScoreFacts, heading: str) -> None:
    """``heading`` (e.g. "3. Kết quả chấm điểm Chỉ số CCHC"), one paragraph, the table by field."""
    document.part(heading)
    difference = (scores.final_total or 0) - (scores.self_total or 0)
    change = "bằng điểm tự chấm" if not difference else f"{'thấp' if difference < 0 else 'cao'} hơn điểm tự chấm {pts(abs(difference))} điểm"
    lost = "; ".join(f"{c.code} ({pts(c.final_points)}/{pts(c.maximum)})" for c in scores.lost)
    document.paragraph(
        f"Chấm điểm theo \u201c{scores.set_title}\u201d{' (bộ tiêu chí mẫu)' if scores.sample and 'MẪU' not in scores.set_title else ''}: "
        f"đơn vị tự chấm {pts(scores.self_total)}/"
        f"{pts(scores.maximum)} điểm; Đoàn kiểm tra thẩm định {pts(scores.final_total)} điểm, {change}, xếp loại "
        f"\u201c{scores.band or '–'}\u201d."
        + (f" Các tiêu chí chưa đạt điểm tối đa: {lost}." if lost else " Đơn vị đạt điểm tối đa ở tất cả các tiêu chí.")
    )
    rows = [[f.code, f.title, pts(f.maximum), pts(f.self_points), pts(f.final_points)] for f in scores.fields]
    rows.append(["", "Tổng cộng", pts(scores.maximum), pts(scores.self_total), pts(scores.final_total)])
    document.table(["TT", "Lĩnh vực", "Điểm tối đa", "Tự chấm", "Thẩm định"], rows, [1.2, 8.8, 2.0, 2.0, 2.0])


@dataclass(frozen=True)
class RankingRow:
    rank: int
    unit: str
    fields: tuple[Decimal | None, ...]
    self_total: Decimal | None
    final_total: Decimal | None
    band: str | None
    appraised: bool
    lost: tuple[LostCriterion, ...] = ()
    change: Decimal | None = None  # against the year before


@dataclass(frozen=True)
class RankingFacts:
    set_title: str
    unit_kind: str
    maximum: Decimal
    fields: tuple[tuple[str, str, Decimal], ...]  # code, title, maximum
    rows: tuple[RankingRow, ...]
    averages: tuple[Decimal | None, ...]
    bands: tuple[str, ...] = ()  # the set's ranking bands, highest first
    waiting: int = 0  # units that have not submitted their self-assessment
    sample: bool = False


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def ranking_xlsx(title: str, issuer: str, rankings: Sequence[RankingFacts], day: date) -> bytes:
    """One sheet per kind of unit: rank, unit, points per field, totals, band; then the criteria
    each unit lost points on."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from .cells import workbook_bytes

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(name="Times New Roman", bold=True)
    for facts in rankings:
        sheet = workbook.create_sheet(("Xếp hạng " + UNIT_KINDS.get(facts.unit_kind, facts.unit_kind))[:31])
        sheet.append([f"KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CCHC – {title.upper()}"])
        sheet.append([f"{issuer} – {facts.set_title} – số liệu đến ngày {day.strftime('%d/%m/%Y')}"])
        headers = ["Hạng", "Đơn vị", *(f"{code}. {name} (tối đa {pts(maximum)})" for code, name, maximum in facts.fields),
                   "Tự chấm", "Thẩm định", "Chênh lệch", "Xếp loại", "So với năm trước", "Tình trạng"]
        sheet.append(headers)
        sheet["A1"].font = Font(name="Times New Roman", bold=True, size=13)
        sheet.row_dimensions[3].height = 75
        for cell in sheet[3]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for row in facts.rows:
            difference = row.final_total - row.self_total if row.final_total is not None and row.self_total is not None else None
            sheet.append([row.rank, row.unit, *(_number(v) for v in row.fields), _number(row.self_total), _number(row.final_total),
                          _number(difference), row.band, _number(row.change),
                          "Đã thẩm định" if row.appraised else "Đang thẩm định (điểm tự chấm)"])
        sheet.append(["", "Bình quân", *(_number(v) for v in facts.averages)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        widths = [6, 30, *([13] * len(facts.fields)), 10, 10, 10, 12, 10, 18]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row in sheet.iter_rows(min_row=4):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
        sheet.freeze_panes = "C4"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "3:3"
        lost = workbook.create_sheet(("Tiêu chí bị trừ " + UNIT_KINDS.get(facts.unit_kind, facts.unit_kind))[:31])
        lost.append(["Đơn vị", "Tiêu chí", "Nội dung", "Điểm tối đa", "Tự chấm", "Thẩm định", "Lý do"])
        for cell in lost[1]:
            cell.font = bold
        for row in facts.rows:
            for criterion in row.lost:
                lost.append([row.unit, criterion.code, criterion.title, _number(criterion.maximum), _number(criterion.self_points),
                             _number(criterion.final_points), criterion.reason])
        for index, width in enumerate([28, 9, 50, 10, 10, 10, 40], start=1):
            lost.column_dimensions[get_column_letter(index)].width = width
    return workbook_bytes(workbook)


# --- the annex of the summary report -------------------------------------------------------------

ROMAN = ("I", "II", "III", "IV")


def _signed(value: Decimal | None) -> str:
    return "–" if value is None else ("+" if value > 0 else "") + pts(value)


def _ranking_section(document: OfficialDocument, number: str, facts: RankingFacts) -> None:
    label = UNIT_KINDS.get(facts.unit_kind, facts.unit_kind)
    document.part(f"{number}. {label[0].upper()}{label[1:]}")
    rows = facts.rows
    sample = " (bộ tiêu chí mẫu)" if facts.sample and "MẪU" not in facts.set_title else ""
    if not rows:
        document.paragraph(f"Chấm điểm theo \u201c{facts.set_title}\u201d{sample}: chưa có đơn vị nào gửi bản tự chấm điểm.")
        return
    appraised = [row for row in rows if row.appraised]
    counted = [row.band for row in rows]
    bands = "; ".join(f"{band}: {counted.count(band)}" for band in facts.bands or dict.fromkeys(counted) if band)
    totals = [row.final_total if row.appraised else row.self_total for row in rows]
    known = [total for total in totals if total is not None]
    average = sum(known, Decimal(0)) / len(known) if known else None
    waiting = f"; {facts.waiting} đơn vị chưa gửi" if facts.waiting else ""
    document.paragraph(
        f"Chấm điểm theo \u201c{facts.set_title}\u201d{sample}, thang điểm {pts(facts.maximum)}: {len(rows)} đơn vị đã gửi bản tự chấm "
        f"điểm, trong đó {len(appraised)} đơn vị đã được Đoàn kiểm tra thẩm định{waiting}. Xếp loại: {bands}. "
        f"Điểm bình quân: {pts(average)}/{pts(facts.maximum)} điểm."
        + ("" if len(appraised) == len(rows) else " Đơn vị chưa thẩm định xong được xếp theo điểm tự chấm (ghi \u201ctự chấm\u201d).")
    )
    document.part("1. Bảng xếp hạng")
    document.table(
        ["Hạng", "Đơn vị", "Tự chấm", "Thẩm định", "Chênh lệch", "Xếp loại", "So với năm trước"],
        [[str(row.rank), row.unit, pts(row.self_total), pts(row.final_total) if row.appraised else "–",
          _signed(row.final_total - row.self_total) if row.appraised and row.self_total is not None else "–",
          (row.band or "–") + ("" if row.appraised else " (tự chấm)"), _signed(row.change)] for row in rows],
        [1.4, 4.7, 1.8, 2.0, 1.9, 2.7, 2.0], size=12,
    )
    document.part("2. Điểm theo lĩnh vực")
    width = round(9.6 / max(len(facts.fields), 1), 2)  # the fields share what the rank, the unit and the total leave
    document.table(
        ["Hạng", "Đơn vị", *(f"{code}\n({pts(maximum)})" for code, _title, maximum in facts.fields), "Tổng"],
        [[str(row.rank), row.unit, *(pts(value) for value in row.fields),
          pts(row.final_total if row.appraised else row.self_total)] for row in rows]
        + [["", "Bình quân", *(pts(value) for value in facts.averages), pts(average)]],
        [1.3, 4.0, *([width] * len(facts.fields)), 1.6], size=10,
    )
    document.paragraph("Các lĩnh vực: " + "; ".join(f"{code}. {title} ({pts(maximum)} điểm)" for code, title, maximum in facts.fields) + ".",
                       italic=True)
    document.part("3. Các tiêu chí đơn vị bị trừ điểm khi thẩm định")
    lost = [row for row in rows if row.appraised and row.lost]
    if not lost:
        document.paragraph("Không có." if appraised else "Chưa có đơn vị nào được thẩm định xong.")
    for row in lost:
        criteria = "; ".join(f"tiêu chí {c.code} \u201c{c.title}\u201d ({pts(c.final_points)}/{pts(c.maximum)} điểm"
                             + (f", {c.reason.strip()[:1].lower()}{c.reason.strip()[1:].rstrip('.')}" if c.reason else "") + ")"
                             for c in row.lost)
        document.paragraph(f"- {row.unit}: {criteria}.")


def ranking_annex(year: int, office: str, rankings: Sequence[RankingFacts], report_number: str, report_day: date | None) -> bytes:
    """Phụ lục of the summary report: per kind of unit, the distribution by band, the ranking
    table, the points by field with the averages, and the criteria each unit lost points on."""
    from .layout import OfficialDocument

    document = OfficialDocument()
    day = dmy(report_day) if report_day else f"…/…/{year}"
    document.annex_title("Phụ lục", ["Kết quả chấm điểm, xếp loại", f"Chỉ số cải cách hành chính năm {year}"],
                         f"(Kèm theo Báo cáo số {report_number} ngày {day} của {office})")
    for number, facts in zip(ROMAN, rankings):
        _ranking_section(document, number, facts)
    return document.bytes()
