"""Scoring against the Chỉ số CCHC: the criteria file, the arithmetic, the unit's self-assessment
(locked once submitted, audited on the case's chain) and the team's appraisal, on both databases."""
from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import docx
import openpyxl
import pytest
from sqlalchemy import func, select

from documents.scores import ranking_xlsx
from models import Attachment, AuditEntry, Campaign, Inspection, ScoreSheet
from tests import samples
from tests.helpers import COORDINATOR, DAY, at, case, direct_path, first_case, run_path
from workflow.campaigns.drafts import copy_campaign
from workflow.casefile.rendering import render_document
from workflow.errors import BadData, ConcurrentUpdate, GuardRefused, NotFound, NotPermitted
from workflow.people.permissions import Actor
from workflow.records.files import FileStore
from workflow.scoring import criteria, results, sheets
from workflow.scoring.arithmetic import band_of, points, roll_up, worth
from workflow.scoring.criteria_file import parse_criteria
from workflow.scoring.criteria_sheet import read_workbook

TEAM = Actor("team@tuky.local", "inspector")
BANDS = [{"label": "Xuất sắc", "min_percent": 90}, {"label": "Tốt", "min_percent": 80}, {"label": "Khá", "min_percent": 70},
         {"label": "Trung bình", "min_percent": 50}, {"label": "Yếu", "min_percent": 0}]


def criterion(method: str, max_points: float, **extra) -> SimpleNamespace:
    return SimpleNamespace(id=1, code="3.2", max_points=Decimal(str(max_points)), method=method,
                           levels=extra.get("levels", []), rate_bands=extra.get("rate_bands", []))


# --- the arithmetic ------------------------------------------------------------------------------

def test_rates_fall_into_their_bands_and_never_above_the_maximum():
    on_time = criterion("rate", 6, rate_bands=[{"min": 100, "points": 6}, {"min": 95, "points": 4}, {"min": 90, "points": 2}])
    assert [worth(on_time, Decimal(v)) for v in ("100", "99.9", "95", "94.99", "90", "89.9", "0")] == \
        [points(p) for p in (6, 4, 4, 2, 2, 0, 0)]
    with pytest.raises(BadData) as refused:
        worth(on_time, Decimal("101"))
    assert refused.value.problems[0].field == "value-1" and "từ 0 đến 100" in str(refused.value)
    generous = criterion("level", 2, levels=[{"label": "Tốt", "points": 5}, {"label": "Chưa tốt", "points": 0}])
    assert worth(generous, Decimal(0)) == points(2)  # capped at the maximum
    yes_no = criterion("yes_no", 1.5)
    assert (worth(yes_no, Decimal(1)), worth(yes_no, Decimal(0)), worth(yes_no, None)) == (points("1.5"), points(0), None)
    with pytest.raises(BadData):
        worth(yes_no, Decimal(2))


def test_parents_add_up_their_children_capped_at_their_own_maximum():
    node = lambda id, max_points, method=None: SimpleNamespace(id=id, code=str(id), max_points=Decimal(max_points), method=method)
    field, capped, plain, a, b, c = node(1, 4), node(2, 2), node(3, 2, "yes_no"), node(4, 1, "yes_no"), node(5, 2, "yes_no"), node(6, 1)
    tree = {None: [field], 1: [capped, plain], 2: [a, b]}
    totals = roll_up(tree, {3: points(2), 4: points(1), 5: points(2)})
    assert (totals[2], totals[1]) == (points(2), points(4))  # 1 + 2 capped at 2
    assert roll_up(tree, {3: points(2), 4: points(1), 5: None})[1] is None  # a criterion not answered yet
    assert [band_of(points(v), points(100), BANDS) for v in (100, 90, 89.99, 70, 50, 49.5, 0)] == \
        ["Xuất sắc", "Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu", "Yếu"]
    del c


# --- the criteria file ---------------------------------------------------------------------------

def test_a_bad_criteria_file_is_refused_naming_each_field_and_its_line():
    text = criteria.sample_text("commune")
    bad = text.replace('code = "3.2"\ntitle = "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn"\nmax_points = 6',
                       'code = "3.2"\ntitle = "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn"\nmax_points = 0')
    bad = bad.replace('code = "2.3"\ntitle = "Tổ chức thực hiện và kiểm tra việc thi hành văn bản quy phạm pháp luật"\nmax_points = 3\nmethod = "yes_no"',
                      'code = "2.3"\ntitle = "Tổ chức thực hiện và kiểm tra việc thi hành văn bản quy phạm pháp luật"\nmax_points = 3\nmethod = "rate"')
    with pytest.raises(BadData) as refused:
        parse_criteria(bad)
    messages = {problem.field: str(problem.text) for problem in refused.value.problems}
    lines = bad.splitlines()
    zero = next(n for n, line in enumerate(lines, 1) if line == "max_points = 0")
    assert messages["fields.2.criteria.1.max_points"] == f"Dòng {zero}: Lĩnh vực số 3 › Tiêu chí số 2 › Điểm tối đa: phải lớn hơn 0"
    rate = next(n for n, line in enumerate(lines, 1) if line == 'code = "2.3"') - 1
    assert messages["fields.1.criteria.2"].startswith(f"Dòng {rate}: Lĩnh vực số 2 › Tiêu chí số 3: 2.3: ")
    with pytest.raises(BadData) as refused:
        parse_criteria('title = "Bộ chỉ số"\nunit_kind = "xa"\n[[bands]\n')
    assert str(refused.value).startswith("Dòng 3: ")


def test_export_then_import_gives_the_same_set_and_copies_go_to_another_campaign(db):
    with db.session() as session:
        campaign = session.scalar(select(Campaign))
        office = criteria.load_sample(session, campaign.id, "office", actor=COORDINATOR, now=at(campaign.window_start))
        exported = criteria.export_criteria(office)
    assert exported.startswith("# Bộ tiêu chí của đợt tuky-2023") and parse_criteria(exported) == parse_criteria(criteria.sample_text("office"))
    with db.session() as session:
        campaign = session.scalar(select(Campaign))
        criteria.import_criteria(session, campaign.id, exported, actor=COORDINATOR, now=at(campaign.window_start))  # the same file again
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "campaign", AuditEntry.trigger == "import_criteria")).all()
        assert [json.loads(e.data_json)["replaced"] for e in entries] == [False, True]
    with db.session() as session:
        campaign = session.scalar(select(Campaign))
        wrong = exported.replace('section = "B.3"', 'section = "B.30"')
        with pytest.raises(BadData) as refused:
            criteria.import_criteria(session, campaign.id, wrong, actor=COORDINATOR, now=at(campaign.window_start))
        line = next(n for n, text in enumerate(wrong.splitlines(), 1) if text == 'section = "B.30"')
        assert str(refused.value).startswith(f"Dòng {line}: 3: \u201cB.30\u201d không phải là mục của đề cương")
        with pytest.raises(NotPermitted):
            criteria.load_sample(session, campaign.id, "commune", actor=TEAM, now=at(campaign.window_start))
    with db.session() as session:
        source = session.scalar(select(Campaign))
        target = Campaign(**{column: getattr(source, column) for column in ("year", "title", "issuer", "issuer_short", "place",
                                                                            "signer_title", "signer_name", "window_start", "window_end")},
                          code="tuky-2024", created_at=source.created_at, updated_at=source.updated_at)
        session.add(target)
        session.commit()
        copied = criteria.copy_criteria(session, "tuky-2023", target)
        session.commit()
        assert [s.unit_kind for s in copied] == ["office"] and criteria.copy_criteria(session, source.id, target.id) == []
        again = criteria.criteria_set_for(session, target.id, "office")
        assert criteria.export_criteria(again).split("\n", 1)[1] == exported.split("\n", 1)[1]
    with db.session() as session:  # a new year's draft copied from the campaign brings its sets along, in the copy's audit entry
        draft = copy_campaign(session, "tuky-2023", new_code="tuky-2027", year=2027, actor=COORDINATOR, now=at(date(2027, 1, 4)))
        (copied,) = criteria.campaign_sets(session, draft.id)
        assert copied.unit_kind == "office" and copied.campaign_id == draft.id
        assert criteria.export_criteria(copied).split("\n", 1)[1] == exported.split("\n", 1)[1]
        created = session.scalar(select(AuditEntry).where(AuditEntry.entity == "campaign", AuditEntry.entity_id == draft.id))
        assert json.loads(created.data_json)["criteria_sets"] == ["office"]


# --- the self-assessment and the appraisal ------------------------------------------------------

def commune_case(db) -> tuple[Inspection, Actor]:
    inspection = first_case(db, "direct", "commune")
    with db.session() as session:
        criteria.load_sample(session, inspection.campaign_id, "commune", actor=COORDINATOR, now=at(inspection.visit_date - 20 * DAY))
    return inspection, Actor("vanthu@xa.tuky.local", "unit", unit_id=inspection.unit_id)


def full_marks(session, inspection_id: int) -> dict[int, sheets.Answer]:
    """The best answer to every scored criterion: yes, the first level, 100%."""
    criteria_set = criteria.criteria_set_for(session, session.get(Inspection, inspection_id).campaign_id, "commune")
    value = {"yes_no": Decimal(1), "level": Decimal(0), "rate": Decimal(100)}
    return {c.id: sheets.Answer(value[c.method], "Có tài liệu kèm theo") for c in criteria.leaves(criteria_set)}


def leaf(session, inspection_id: int, code: str):
    criteria_set = criteria.criteria_set_for(session, session.get(Inspection, inspection_id).campaign_id, "commune")
    return next(c for c in criteria_set.criteria if c.code == code)


def _cells(workbook_bytes: bytes, **changes: tuple[str, int, object]) -> bytes:
    """The workbook with the criteria' cells changed: code → (column letter, value)."""
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    sheet = workbook["Tiêu chí"]
    for row in sheet.iter_rows(min_row=2):
        for code, (column, value) in changes.items():
            if row[1].value == code.replace("_", "."):
                sheet[f"{column}{row[0].row}"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_criteria_set_comes_from_a_workbook_refused_by_sheet_row_and_column(db):
    template = criteria.template_workbook("commune")
    assert read_workbook(template)[0] == parse_criteria(criteria.sample_text("commune"))  # the template is the SAMPLE set
    rows = {row[1].value: row[0].row for row in openpyxl.load_workbook(io.BytesIO(template))["Tiêu chí"].iter_rows(min_row=2)}
    bad = _cells(template, **{"3_2": ("D", "sáu"), "1_2": ("F", "Đầy đủ 2\nThiếu: 0"), "2_1": ("E", "Điểm số"), "1_1": ("D", 30)})
    with db.session() as session:
        campaign = session.scalar(select(Campaign))
        before = session.scalar(select(func.count()).select_from(AuditEntry))
        with pytest.raises(BadData) as refused:
            criteria.import_criteria_upload(session, campaign.id, bad, actor=COORDINATOR, now=at(campaign.window_start))
        messages = [str(problem.text) for problem in refused.value.problems]
        assert messages == [  # every problem at once, in the order of the rows
            f"Trang “Tiêu chí”, dòng {rows['1.1']}: 1.1: điểm tối đa (30) lớn hơn tổng điểm các tiêu chí con (3)",
            f"Trang “Tiêu chí”, dòng {rows['1.2']}, cột F: “Đầy đủ 2”: ghi mỗi dòng một mức, dạng “Đầy đủ, đúng hạn: 2”",
            f"Trang “Tiêu chí”, dòng {rows['2.1']}, cột E: phải là một trong: Có / không, Theo mức, Tỷ lệ (%)",
            f"Trang “Tiêu chí”, dòng {rows['3.2']}, cột D: Lĩnh vực số 3 › Tiêu chí số 2 › Điểm tối đa: phải là một số",
        ]
        wrong_section = _cells(template, **{"3_2": ("H", "B.30")})
        with pytest.raises(BadData, match=f"^Trang “Tiêu chí”, dòng {rows['3.2']}, cột H: 3.2: “B.30” không phải là mục"):
            criteria.import_criteria_upload(session, campaign.id, wrong_section, actor=COORDINATOR, now=at(campaign.window_start))
        with pytest.raises(BadData, match="không phải bảng tính XLSX"):
            criteria.import_criteria_upload(session, campaign.id, template[:200], actor=COORDINATOR, now=at(campaign.window_start))
        session.rollback()
        assert criteria.campaign_sets(session, campaign.id) == [] and session.scalar(select(func.count()).select_from(AuditEntry)) == before
        imported = criteria.import_criteria_upload(session, campaign.id, _cells(template, **{"3_2": ("D", "6,5")}), actor=COORDINATOR,
                                                   now=at(campaign.window_start))
        assert next(c for c in imported.criteria if c.code == "3.2").max_points == Decimal("6.5")
        entry = session.scalars(select(AuditEntry).where(AuditEntry.trigger == "import_criteria")).one()
        assert json.loads(entry.data_json)["format"] == "xlsx"
        assert read_workbook(criteria.export_workbook(imported))[0] == criteria.as_file(imported)


def test_a_submitted_self_assessment_needs_its_evidence_is_locked_and_audited(db, tmp_path):
    inspection, unit = commune_case(db)
    store = FileStore(tmp_path / "files", 1_000_000)
    when = at(inspection.visit_date - 8 * DAY)
    with db.session() as session:
        answers = full_marks(session, inspection.id)
        needing = [c.id for c in criteria.leaves(criteria.criteria_set_for(session, inspection.campaign_id, "commune")) if c.evidence_required]
        session.rollback()
        sheets.save_self_assessment(session, inspection.id, dict(list(answers.items())[:3]), actor=unit, now=when)
        assert session.scalar(select(ScoreSheet)).status == "draft"
    with db.session() as session, pytest.raises(BadData) as refused:
        sheets.save_self_assessment(session, inspection.id, answers, submit=True, actor=unit, now=when)
    assert {p.field for p in refused.value.problems} == {f"evidence-{cid}" for cid in needing}
    assert "cần có tài liệu kiểm chứng" in str(refused.value)
    with db.session() as session:
        assert session.scalar(select(ScoreSheet)).status == "draft"  # nothing changed
        with pytest.raises(NotPermitted):
            sheets.save_self_assessment(session, inspection.id, answers, actor=TEAM, now=when)
        with pytest.raises(NotFound):
            sheets.save_self_assessment(session, inspection.id, answers, actor=Actor("x", "unit", unit_id=inspection.unit_id + 1), now=when)
        with pytest.raises(ConcurrentUpdate):
            sheets.save_self_assessment(session, inspection.id, answers, actor=unit, now=when, expected_version=1)
    evidence = {cid: [store.store_upload(io.BytesIO(samples.PDF), f"Kiểm chứng {cid}.pdf")] for cid in needing}
    version = case(db, inspection.id).version
    with db.session() as session:
        sheets.save_self_assessment(session, inspection.id, answers, evidence, submit=True, actor=unit, now=when, expected_version=version)
    with db.session() as session:
        sheet = session.scalar(select(ScoreSheet))
        assert (sheet.status, sheet.submitted_by) == ("submitted", unit.name)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == inspection.id).order_by(AuditEntry.seq.desc())).first()
        assert (entry.trigger, entry.actor, entry.from_state, entry.to_state) == ("submit_self_assessment", unit.name, "planned", "planned")
        data = json.loads(entry.data_json)
        assert data["submitted"] is True and len(data["evidence"]) == len(needing)
        assert data["changes"]["3.2"] == {"old": {"self_value": None, "self_points": None, "explanation": None},
                                          "new": {"self_value": "100.00", "self_points": "6.00", "explanation": "Có tài liệu kèm theo"}}
        files = session.scalars(select(Attachment).where(Attachment.inspection_id == inspection.id)).all()
        assert {f.kind for f in files} == {"score_evidence"} and all(f.audit_entry_id == entry.id for f in files)
        assert session.get(Inspection, inspection.id).version == version + 1
        view = results.sheet_view(session, session.get(Inspection, inspection.id))
        assert (view.self_total, view.self_band, view.final_total) == (points(100), "Xuất sắc", None)
    with db.session() as session, pytest.raises(GuardRefused) as locked:
        sheets.save_self_assessment(session, inspection.id, answers, actor=unit, now=when + DAY)
    assert "đã khóa" in str(locked.value)


def submitted(db, tmp_path) -> Inspection:
    inspection, unit = commune_case(db)
    store = FileStore(tmp_path / "files", 1_000_000)
    with db.session() as session:
        answers = full_marks(session, inspection.id)
        scored = criteria.leaves(criteria.criteria_set_for(session, inspection.campaign_id, "commune"))
        evidence = {c.id: [store.store_upload(io.BytesIO(samples.PDF), "kc.pdf")] for c in scored if c.evidence_required}
        session.rollback()
        sheets.save_self_assessment(session, inspection.id, answers, evidence, submit=True, actor=unit, now=at(inspection.visit_date - 8 * DAY))
    return inspection


def test_the_team_corrects_with_reasons_and_the_conclusion_shows_the_scores(db, tmp_path):
    inspection = submitted(db, tmp_path)
    steps = direct_path(inspection.visit_date, findings=[])
    run_path(db, inspection.id, steps[:3])
    with db.session() as session:
        on_time, one_stop = leaf(session, inspection.id, "3.2"), leaf(session, inspection.id, "3.1.1")
        session.expunge_all()
        everything = {cid: sheets.Decision(True) for cid in full_marks(session, inspection.id)}
        session.rollback()
        with pytest.raises(BadData) as refused:
            sheets.appraise(session, inspection.id, {on_time.id: sheets.Decision(False, Decimal("93.5"))}, actor=TEAM, now=at(inspection.visit_date, 10))
        assert refused.value.problems[0].field == f"reason-{on_time.id}" and "cần nêu lý do" in str(refused.value)
        with pytest.raises(NotPermitted):
            sheets.appraise(session, inspection.id, everything, actor=Actor("lanhdao@tuky.local", "leader"), now=at(inspection.visit_date, 10))
        sheets.appraise(session, inspection.id, {
            **everything,
            on_time.id: sheets.Decision(False, Decimal("93.5"), "Hệ thống một cửa ghi nhận 93,5% hồ sơ đúng hạn"),
            one_stop.id: sheets.Decision(False, Decimal(0), "Chưa niêm yết 12 TTHC mới ban hành"),
        }, actor=TEAM, now=at(inspection.visit_date, 11))
    with db.session() as session:
        view = results.sheet_view(session, session.get(Inspection, inspection.id))
        assert (view.appraised, view.self_total, view.final_total, view.band) == (True, points(100), points(94), "Xuất sắc")
        assert [line.criterion.code for line in view.lost_lines] == ["3.1.1", "3.2"]
        assert [line.difference for line in view.corrected_lines] == [points(-2), points(-4)]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == inspection.id).order_by(AuditEntry.seq.desc())).first()
        assert entry.trigger == "appraise" and json.loads(entry.data_json)["changes"]["3.2"]["new"] == {
            "decision": "corrected", "final_value": "93.50", "final_points": "2.00", "reason": "Hệ thống một cửa ghi nhận 93,5% hồ sơ đúng hạn"}
        with pytest.raises(GuardRefused):
            sheets.propose_finding(session, inspection.id, leaf(session, inspection.id, "1.3").id, actor=TEAM, now=at(inspection.visit_date, 12))
        sheets.propose_finding(session, inspection.id, one_stop.id, actor=TEAM, now=at(inspection.visit_date, 12))
    with db.session() as session:
        proposals = results.finding_proposals(session, session.get(Inspection, inspection.id))
        assert proposals == [{"section": "B.3", "text": "Khắc phục tồn tại ở tiêu chí 3.1.1 \u201cCông khai đầy đủ, đúng quy định TTHC tại Bộ phận "
                                                         "Tiếp nhận và Trả kết quả\u201d (đạt 0/2 điểm): chưa niêm yết 12 TTHC mới ban hành."}]
    conclude = steps[4][2] | {"findings": proposals}
    run_path(db, inspection.id, [steps[3], ("conclude", steps[4][1], conclude)])
    with db.session() as session, pytest.raises(GuardRefused):  # the conclusion is issued: the scores are final
        sheets.appraise(session, inspection.id, {on_time.id: sheets.Decision(True)}, actor=TEAM, now=at(inspection.visit_date + 11 * DAY))
    store = FileStore(tmp_path / "files", 1_000_000)
    with db.session() as session:
        attachment = render_document(session, store, "conclusion_notice", actor=COORDINATOR, now=at(inspection.visit_date + 11 * DAY),
                                     inspection_id=inspection.id)
        text = [p.text for p in docx.Document(io.BytesIO(store.read(attachment.sha256))).paragraphs]
        table = docx.Document(io.BytesIO(store.read(attachment.sha256))).tables[1]
    assert "4. Kết quả chấm điểm Chỉ số cải cách hành chính" in text and "5. Kiến nghị" in text and "6. Tổ chức thực hiện" in text
    paragraph = next(p for p in text if p.startswith("Chấm điểm theo “MẪU – Bộ chỉ số"))
    assert "đơn vị tự chấm 100/100 điểm; Đoàn kiểm tra thẩm định 94 điểm, thấp hơn điểm tự chấm 6 điểm" in paragraph
    assert "3.1.1 (0/2); 3.2 (2/6)" in paragraph
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["TT", "Lĩnh vực", "Điểm tối đa", "Tự chấm", "Thẩm định"] and rows[3][2:] == ["20", "20", "14"]
    assert rows[-1][1:] == ["Tổng cộng", "100", "100", "94"]
    with db.session() as session:  # the ranking as the summary report's annex
        attachment = render_document(session, store, "scores_annex", actor=COORDINATOR, now=at(inspection.visit_date + 12 * DAY),
                                     campaign_id=inspection.campaign_id)
        assert (attachment.kind, attachment.original_name) == ("summary_report", f"Phụ lục kết quả chấm điểm Chỉ số CCHC {(inspection.visit_date + 12 * DAY).isoformat()}.docx")
        annex = docx.Document(io.BytesIO(store.read(attachment.sha256)))
    text = [p.text for p in annex.paragraphs if p.text.strip()]
    assert text[:4] == ["Phụ lục", "KẾT QUẢ CHẤM ĐIỂM, XẾP LOẠI", "CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023",
                        "(Kèm theo Báo cáo số …/BC-NV ngày …/…/2023 của Phòng Nội vụ)"]
    del text[1]
    assert text[3] == "I. UBND xã, phường, thị trấn" and "1 đơn vị đã gửi bản tự chấm điểm, trong đó 1 đơn vị đã được Đoàn kiểm tra thẩm định; 22 đơn vị chưa gửi" in text[4]
    assert "Xếp loại: Xuất sắc: 1; Tốt: 0; Khá: 0; Trung bình: 0; Yếu: 0. Điểm bình quân: 94/100 điểm." in text[4]
    ranking_rows = [[cell.text for cell in row.cells] for row in annex.tables[0].rows]
    assert ranking_rows[1] == ["1", inspection.unit_name, "100", "94", "-6", "Xuất sắc", "–"]
    fields_rows = [[cell.text for cell in row.cells] for row in annex.tables[1].rows]
    assert fields_rows[0][2] == "1\n(12)" and fields_rows[1][4] == "14" and fields_rows[-1][1] == "Bình quân"
    assert text[-1].startswith(f"- {inspection.unit_name}: tiêu chí 3.1.1 \u201cCông khai đầy đủ") and "(2/6 điểm, hệ thống một cửa" in text[-1]


def test_the_ranking_puts_the_appraised_units_in_their_bands(db, tmp_path):
    inspection = submitted(db, tmp_path)
    with db.session() as session:
        decisions = {cid: sheets.Decision(True) for cid in full_marks(session, inspection.id)}
        on_time = leaf(session, inspection.id, "3.2")
        session.rollback()
        decisions[on_time.id] = sheets.Decision(False, Decimal(50), "Số liệu của hệ thống một cửa")
        sheets.appraise(session, inspection.id, decisions, actor=TEAM, now=at(inspection.visit_date - 2 * DAY))
    with db.session() as session:
        table = results.ranking(session, inspection.campaign_id, "commune")
        assert [(r.rank, r.view.inspection.unit_name, r.total) for r in table.rows] == [(1, inspection.unit_name, points(94))]
        assert len(table.waiting) == 22 and dict(table.band_counts)["Xuất sắc"] == 1
        assert table.averages[2] == points(14)
        content = ranking_xlsx("Kiểm tra CCHC năm 2023", "UBND huyện Tứ Kỳ", [results.ranking_facts(table)], inspection.visit_date)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    row = [cell.value for cell in sheet[4]]
    assert row[:2] == [1, inspection.unit_name] and row[-6:] == [100, 94, -6, "Xuất sắc", None, "Đã thẩm định"]


def test_the_ranking_shows_each_units_change_from_last_year(db, tmp_path):
    last_year = submitted(db, tmp_path)
    with db.session() as session:
        decisions = {cid: sheets.Decision(True) for cid in full_marks(session, last_year.id)}
        decisions[leaf(session, last_year.id, "3.2").id] = sheets.Decision(False, Decimal(50), "Số liệu của hệ thống một cửa")
        session.rollback()
        sheets.appraise(session, last_year.id, decisions, actor=TEAM, now=at(last_year.visit_date - 2 * DAY))  # 94
    with db.session() as session:
        source = session.get(Campaign, last_year.campaign_id)
        target = Campaign(**{column: getattr(source, column) for column in ("title", "issuer", "issuer_short", "place", "signer_title",
                                                                            "signer_name", "window_start", "window_end")},
                          code="tuky-2024", year=2024, created_at=source.created_at, updated_at=source.updated_at)
        session.add(target)
        session.flush()
        criteria.copy_criteria(session, source, target)
        this_year = Inspection(campaign_id=target.id, unit_id=last_year.unit_id, unit_name=last_year.unit_name, kind="direct",
                               state="planned", created_at=source.created_at, updated_at=source.updated_at)
        session.add(this_year)
        session.commit()
        this_year_id, target_id = this_year.id, target.id
    unit = Actor("vanthu@xa.tuky.local", "unit", unit_id=last_year.unit_id)
    store = FileStore(tmp_path / "files", 1_000_000)
    with db.session() as session:
        answers = full_marks(session, this_year_id)
        needing = [c.id for c in criteria.leaves(criteria.criteria_set_for(session, target_id, "commune")) if c.evidence_required]
        session.rollback()
        sheets.save_self_assessment(session, this_year_id, answers, {cid: [store.store_upload(io.BytesIO(samples.PDF), "kc.pdf")] for cid in needing},
                                    submit=True, actor=unit, now=at(last_year.visit_date + 365 * DAY))
        sheets.appraise(session, this_year_id, {cid: sheets.Decision(True) for cid in answers}, actor=TEAM, now=at(last_year.visit_date + 366 * DAY))
    with db.session() as session:
        (row,) = results.ranking(session, target_id, "commune").rows
        assert (row.total, row.previous, row.change) == (points(100), points(94), points(6))
        assert results.ranking(session, last_year.campaign_id, "commune").rows[0].change is None
