"""Campaigns as data (issue 9): plan files read and written, imported twice, drafted, copied to a
new year, activated, closed; units renamed and merged; cases opened on the day."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Campaign, CampaignUnit, Inspection, Outline, OutlineItem, Unit, UnitChange
from models.db import Database
from plans import plan_path, shipped
from tests.conftest import SEED_NOW
from tests.helpers import COORDINATOR, DAY, at, fire_in
from workflow.audit import verify
from workflow.campaigns.current import campaign_choices, default_campaign
from workflow.campaigns.drafts import (
    activate,
    close_campaign,
    copy_campaign,
    propose_draft_schedule,
    set_campaign_units,
    set_outline,
)
from workflow.campaigns.opening import open_inspection
from workflow.campaigns.outlines import parse_outline
from workflow.campaigns.plan_file import PlanFileError, dump_plan, parse_plan
from workflow.campaigns.plans import export_campaign, import_plan
from workflow.campaigns.units import merge_units, rename_unit, split_unit, units_current_on
from workflow.errors import BadData, CampaignClosed, NotPermitted
from workflow.people.permissions import Actor
from workflow.records.files import FileStore

TUKY_TOML = plan_path("tuky-2023").read_text(encoding="utf-8")
INSPECTOR = Actor("inspector@tuky.local", "inspector")


def normalised(plan, code: str = "x") -> str:
    return dump_plan(plan.model_copy(update={"code": code}))


def fingerprint(db: Database) -> tuple:
    with db.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) for model in (AuditEntry, Campaign, CampaignUnit, Unit, Inspection, OutlineItem))


# --- the plan file ----------------------------------------------------------------------------

def test_the_shipped_plan_is_the_2023_plan_and_writes_back_identically():
    from workflow.campaigns.plans import CAMPAIGN_FIELDS, campaign_values

    plan = parse_plan(TUKY_TOML, "tuky-2023.toml")
    assert tuple(campaign_values(plan)) == CAMPAIGN_FIELDS
    assert (plan.issuer.level, plan.issuer.place, plan.team_decision.number) == ("huyen", "Tứ Kỳ", "2025/QĐ-UBND")
    assert [u.inspection for u in plan.units].count("direct") == 25 and len(plan.units) == 35
    assert parse_plan(dump_plan(plan), "again") == plan


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [number for number, line in enumerate(text.splitlines(), start=1) if line.strip() == needle]
    return lines[occurrence - 1]


def test_a_bad_file_names_every_field_and_its_line():
    line = _line_of(TUKY_TOML, 'kind = "office"', 3)  # the third unit
    text = TUKY_TOML.splitlines()
    text[line - 1] = 'kind = "agency"'
    decision = _line_of(TUKY_TOML, "date = 2023-07-17")
    text[decision - 1] = 'date = "17/07/2023"'
    with pytest.raises(PlanFileError) as refused:
        parse_plan("\n".join(text), "ke-hoach.toml")
    messages = [str(problem.text) for problem in refused.value.problems]
    assert f"ke-hoach.toml, dòng {line}, units[3].kind: phải là một trong: office, commune" in messages
    assert f"ke-hoach.toml, dòng {decision}, team_decision.date: không phải ngày hợp lệ (YYYY-MM-DD)" in messages
    assert {problem.field for problem in refused.value.problems} == {"units[3].kind", "team_decision.date"}

    window = _line_of(TUKY_TOML, "end = 2023-08-31")
    broken = TUKY_TOML.replace("end = 2023-08-31", "end = 2023-02-30")
    with pytest.raises(PlanFileError, match=f"dòng {window}: không đúng cú pháp TOML"):
        parse_plan(broken, "ke-hoach.toml")


def run(app, *args: str):
    """A ``flask --app wsgi`` command, run in-process on the app's database."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def test_a_refused_file_writes_nothing(app, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(TUKY_TOML.replace('code = "tuky-2023"', 'code = "moi-2024"').replace('inspection = "self"', 'inspection = "sometimes"', 1), encoding="utf-8")
    db = app.extensions["database"]
    before = fingerprint(db)
    refused = run(app, "plans", "import", str(bad))
    assert refused.exit_code == 2
    line = _line_of(bad.read_text(encoding="utf-8"), 'inspection = "sometimes"')
    assert f"bad.toml, dòng {line}, units[26].inspection: phải là một trong: direct, self" in refused.stderr
    assert fingerprint(db) == before
    exported = tmp_path / "tuky.toml"
    assert run(app, "plans", "export", "tuky-2023", "--out", str(exported)).exit_code == 0
    dry = run(app, "plans", "import", str(exported), "--code", "tuky-lan-2", "--dry-run").stdout
    assert "Chạy thử, không ghi gì. Sẽ tạo: 1 đợt kiểm tra, 2 đề cương, 35 đơn vị trong danh sách kế hoạch, 25 hồ sơ kiểm tra trực tiếp" in dry
    assert fingerprint(db) == before
    assert "Đợt kiểm tra tuky-lan-2: đã tạo" in run(app, "plans", "import", str(exported), "--code", "tuky-lan-2").stdout
    assert "Không có gì để tạo" in run(app, "plans", "import", str(exported), "--code", "tuky-lan-2").stdout


# --- import and export ------------------------------------------------------------------------

def test_export_then_import_under_another_code_gives_the_same_campaign(db):
    with db.session() as session:
        exported = export_campaign(session, "tuky-2023")
    assert normalised(exported) == normalised(shipped("tuky-2023").model_copy(update={"units": exported.units}))
    assert all(unit.visit_date for unit in exported.units if unit.inspection == "direct")  # the proposed schedule travels
    with db.session() as session:
        report = import_plan(session, parse_plan(dump_plan(exported), "export.toml"), actor=COORDINATOR, now=SEED_NOW, code="tuky-copy")
    assert report.created == {"campaign": 1, "outline": 2, "planned unit": 35, "direct case": 25, "self case": 10}  # units reused by name
    with db.session() as session:
        assert normalised(export_campaign(session, "tuky-copy")) == normalised(exported)
        copy = session.scalar(select(Campaign).where(Campaign.code == "tuky-copy"))
        original = session.scalar(select(Campaign).where(Campaign.code == "tuky-2023"))
        cases = lambda c: [(i.unit_id, i.kind, i.visit_date, i.visit_time, i.state, i.notice_due) for i in sorted(c.inspections, key=lambda i: i.id)]
        assert cases(copy) == cases(original)
        assert verify(session).ok


def test_import_twice_changes_nothing_and_a_dry_run_writes_nothing(empty_database_url):
    db = Database(empty_database_url)
    plan = shipped("sample-tinh-2026")
    with db.session() as session:
        dry = import_plan(session, plan, actor=COORDINATOR, now=SEED_NOW, dry_run=True)
    assert dry.dry_run and dry.created == {"campaign": 1, "outline": 2, "unit": 13, "planned unit": 13, "proposed visit": 8,
                                           "direct case": 8, "self case": 5}
    assert fingerprint(db) == (1, 0, 0, 0, 0, 0)  # the one entry: revision 0019 opening the log's own chain
    with db.session() as session:
        assert import_plan(session, plan, actor=COORDINATOR, now=SEED_NOW).created == dry.created
    first = fingerprint(db)
    with db.session() as session:
        again = import_plan(session, plan, actor=COORDINATOR, now=SEED_NOW)
    assert not again.changed and fingerprint(db) == first
    with db.session() as session, pytest.raises(NotPermitted):
        import_plan(session, plan, actor=INSPECTOR, now=SEED_NOW, code="other")
    db.dispose()


# --- drafts, copies, activation, closing ------------------------------------------------------

def test_copy_to_2027_moves_dates_and_activation_opens_every_case_in_one_transaction(db):
    with db.session() as session:
        draft = copy_campaign(session, "tuky-2023", new_code="tuky-2027", year=2027, actor=COORDINATOR, now=SEED_NOW)
        assert (draft.status, draft.year, draft.copied_from.code) == ("draft", 2027, "tuky-2023")
        assert (draft.window_start, draft.window_end, draft.schedule_from) == (date(2027, 7, 1), date(2027, 8, 31), date(2027, 7, 17))
        assert (draft.team_decision_date, draft.self_check_by, draft.self_report_due) == (date(2027, 7, 17), date(2027, 8, 15), date(2027, 8, 20))
        assert draft.title.endswith("năm 2027") and draft.team_decision_number is None
        assert len(draft.units) == 35 and not any(line.visit_date for line in draft.units)
        assert {o.unit_kind for o in draft.outlines} == {"office", "commune"}
        draft_id = draft.id
        with pytest.raises(BadData, match="chưa có ngày kiểm tra"):
            activate(session, draft_id, actor=COORDINATOR, now=SEED_NOW)
        # remove one unit, add one, paste an outline, propose, move one visit
        lines = [{"unit_id": line.unit_id, "kind": line.kind} for line in draft.units if line.unit_name != "Phòng Y tế"]
        lines.append({"unit": "Phòng Y tế", "kind": "self"})
        set_campaign_units(session, draft_id, lines, actor=COORDINATOR, now=SEED_NOW)
        pasted = parse_outline("B. NỘI DUNG\n1. Công tác chỉ đạo\na) Kết quả đạt được\n- Việc ban hành Kế hoạch CCHC.\n"
                               "b) Tồn tại, hạn chế và nguyên nhân\n", "office")
        set_outline(session, draft_id, pasted, actor=COORDINATOR, now=SEED_NOW)
        units = propose_draft_schedule(session, draft_id, actor=COORDINATOR, now=SEED_NOW, visits_per_day=3, days_to_avoid=[date(2027, 7, 28)])
        dated = [line for line in units if line.kind == "direct"]
        assert len(dated) == 24 and all(line.visit_date and line.visit_date != date(2027, 7, 28) for line in dated)
        assert max(sum(1 for line in dated if line.visit_date == day) for day in {l.visit_date for l in dated}) == 3
        rows = [{"unit_id": l.unit_id, "kind": l.kind, "visit_date": l.visit_date, "visit_time": l.visit_time} for l in units]
        rows[0]["visit_date"] = date(2027, 8, 20)
        set_campaign_units(session, draft_id, rows, actor=COORDINATOR, now=SEED_NOW)
        version = session.get(Campaign, draft_id).version
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    with db.session() as session:
        opened = activate(session, draft_id, actor=COORDINATOR, now=SEED_NOW, expected_version=version)
        assert len(opened) == 35 and session.get(Campaign, draft_id).status == "active"
        creates = session.scalars(select(AuditEntry).where(AuditEntry.entity == "inspection", AuditEntry.trigger == "create",
                                                           AuditEntry.inspection_id.in_([case.id for case in opened]))).all()
        assert len(creates) == 35 and len({entry.at for entry in creates}) == 1
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before + 36  # 35 cases + the campaign's entry
        first = session.scalar(select(Inspection).where(Inspection.campaign_id == draft_id, Inspection.unit_id == rows[0]["unit_id"]))
        assert first.visit_date == date(2027, 8, 20)
        outline = session.scalar(select(Outline).where(Outline.campaign_id == draft_id, Outline.unit_kind == "office"))
        assert [s.code for s in outline.sections] == ["B", "B.1"] and outline.sections[1].items[0].text == "Việc ban hành Kế hoạch CCHC."
        assert default_campaign(session, COORDINATOR).code == "tuky-2027"
        assert [c.code for c in campaign_choices(session, Actor("u", "unit", unit_id=first.unit_id))] == ["tuky-2027", "tuky-2023"]
        assert verify(session).ok


def test_a_blank_draft_and_its_settings_by_column(db):
    from workflow.campaigns.drafts import create_draft_from_columns, update_columns

    with db.session() as session:
        with pytest.raises(BadData) as refused:
            create_draft_from_columns(session, {"code": "Mới 2027", "year": 2027, "title": ""}, actor=COORDINATOR, now=SEED_NOW)
        assert {p.field for p in refused.value.problems} == {"code", "title"}
        draft = create_draft_from_columns(session, {"code": "moi-2027", "year": 2027, "title": "Kiểm tra CCHC năm 2027"},
                                          actor=COORDINATOR, now=SEED_NOW)
        assert (draft.status, draft.issuer, draft.window_start, draft.notice_lead_days) == ("draft", "Ủy ban nhân dân huyện Tứ Kỳ", date(2027, 7, 1), 10)
        with pytest.raises(BadData) as refused:
            update_columns(session, draft.id, {"window_end": date(2027, 6, 1), "notice_lead_days": -1}, actor=COORDINATOR, now=SEED_NOW)
        assert {p.field for p in refused.value.problems} == {"window_end", "notice_lead_days"}
        update_columns(session, draft.id, {"window_end": date(2027, 9, 30), "issuer_level": "xa"}, actor=COORDINATOR, now=SEED_NOW)
        assert (draft.window_end, draft.issuer_level) == (date(2027, 9, 30), "xa")
        with pytest.raises(BadData, match="chưa có đơn vị"):
            set_campaign_units(session, draft.id, [], actor=COORDINATOR, now=SEED_NOW)
        with pytest.raises(BadData, match="không phải ngày làm việc") as refused:
            set_campaign_units(session, draft.id, [{"unit": "Phòng Y tế", "kind": "direct", "visit_date": date(2027, 7, 4)}],
                               actor=COORDINATOR, now=SEED_NOW)
        assert refused.value.problems[0].field == "units[1].visit_date"


def test_a_closed_campaign_is_read_only(db):
    with db.session() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.code == "tuky-2023"))
        close_campaign(session, campaign.id, actor=COORDINATOR, now=at(date(2023, 12, 1)))
    with pytest.raises(CampaignClosed, match="đã kết thúc"):
        fire_in(db, 1, "notify", at(date(2023, 7, 17)))
    with db.session() as session:
        assert default_campaign(session, COORDINATOR).code == "tuky-2023"  # still readable: the only campaign
        assert export_campaign(session, "tuky-2023").units


def test_the_demo_is_the_2023_plan_copied_to_this_year_and_running(db, tmp_path):
    from plans.demo import seed_demo

    now = at(date(2026, 12, 2), 8)
    with db.session() as session:
        campaign, created = seed_demo(session, now, FileStore(tmp_path / "files", 1 << 20))
        assert created and (campaign.code, campaign.status, campaign.year, campaign.copied_from.code) == ("demo-2026", "active", 2026, "tuky-2023")
        states = {case.state for case in campaign.inspections}
        assert {"planned", "notified", "report_received", "visited", "minutes_signed"} <= states
        assert campaign.window_start < now.date() < campaign.window_end
        assert default_campaign(session, COORDINATOR).code == "demo-2026"
    before = fingerprint(db)
    with db.session() as session:
        assert seed_demo(session, now, FileStore(tmp_path / "files", 1 << 20))[1] is False
    assert fingerprint(db) == before


# --- units with a history ---------------------------------------------------------------------

def test_rename_and_merge_keep_the_names_earlier_cases_had(db):
    effective = date(2025, 7, 1)
    with db.session() as session:
        ids = {u.name: u.id for u in session.scalars(select(Unit))}
        rename_unit(session, ids["Phòng Y tế"], new_name="Phòng Văn hóa - Xã hội", effective_date=effective, actor=COORDINATOR, now=SEED_NOW)
        merged = merge_units(session, [ids["UBND xã Đại Sơn"], ids["UBND xã Hưng Đạo"]], into_name="UBND xã Đại Sơn Mới",
                             effective_date=effective, category="xa", actor=COORDINATOR, now=SEED_NOW).id
        split = split_unit(session, ids["UBND xã Tân Kỳ"], [{"name": "UBND xã Tân Kỳ Bắc", "category": "xa"},
                                                            {"name": "UBND phường Tân Kỳ Nam", "category": "phuong"}],
                           effective_date=effective, actor=COORDINATOR, now=SEED_NOW)
        split_ids = {unit.id for unit in split}
        with pytest.raises(NotPermitted):
            rename_unit(session, ids["Phòng Y tế"], new_name="X", effective_date=effective, actor=INSPECTOR, now=SEED_NOW)
    with db.session() as session:
        names = {i.unit_name for i in session.scalars(select(Inspection))}
        assert {"Phòng Y tế", "UBND xã Đại Sơn", "UBND xã Hưng Đạo"} <= names  # the 2023 cases keep their names
        current = {u.name for u in units_current_on(session, date(2026, 1, 1))}
        assert "UBND xã Đại Sơn Mới" in current and "UBND xã Đại Sơn" not in current and "Phòng Văn hóa - Xã hội" in current
        assert "UBND xã Đại Sơn" in {u.name for u in units_current_on(session, date(2023, 7, 1))}
        assert session.scalar(select(func.count()).select_from(UnitChange)) == 5
        draft = copy_campaign(session, "tuky-2023", new_code="tuky-2026", year=2026, actor=COORDINATOR, now=SEED_NOW)
        listed = [line.unit_name for line in draft.units]
        assert listed.count("UBND xã Đại Sơn Mới") == 1 and "UBND xã Hưng Đạo" not in listed and "Phòng Văn hóa - Xã hội" in listed
        assert {merged, *split_ids} <= {line.unit_id for line in draft.units} and "UBND xã Tân Kỳ" not in listed
        assert verify(session).ok


# --- cases opened on the day ------------------------------------------------------------------

def test_opening_a_case_checks_who_asks_and_which_unit(db):
    with db.session() as session:
        with pytest.raises(NotPermitted):
            open_inspection(session, campaign_code="tuky-2023", unit_name="UBND xã Ngọc Kỳ", kind="surprise", actor=INSPECTOR, now=SEED_NOW)
        with pytest.raises(BadData, match="không có đơn vị nào tên “UBND xa Ngoc Ky”; tên gần giống: “UBND xã Ngọc Kỳ”"):
            open_inspection(session, campaign_code="tuky-2023", unit_name="UBND xa Ngoc Ky", kind="surprise", actor=COORDINATOR, now=SEED_NOW)
        with pytest.raises(BadData, match="đã có hồ sơ"):
            open_inspection(session, campaign_code="tuky-2023", unit_name="Phòng Y tế", kind="direct", actor=COORDINATOR, now=SEED_NOW)
        added = open_inspection(session, campaign_code="tuky-2023", unit_name="UBND xã Ngọc Kỳ", kind="direct", actor=COORDINATOR,
                                now=SEED_NOW, reason="Bổ sung vào Kế hoạch")
        assert added.visit_date and added.notice_due >= SEED_NOW.date()  # the first free slot whose notice is still on time
        entry = session.scalar(select(AuditEntry).where(AuditEntry.inspection_id == added.id))
        assert (entry.seq, entry.trigger, entry.comment, entry.actor) == (1, "create", "Bổ sung vào Kế hoạch", COORDINATOR.name)


def test_a_surprise_case_from_the_cli_to_signed_minutes_with_the_radio(app, tmp_path):
    from tests.documents_readback import lines, open_docx
    from workflow.casefile.rendering import render_document

    db = app.extensions["database"]
    refused = run(app, "inspections", "open", "--campaign", "tuky-2023", "--unit", "UBND xã Chí Minh", "--kind", "surprise",
                  "--as", "inspector@tuky.local")
    assert refused.exit_code != 0 and "Chỉ chuyên viên điều phối" in refused.stderr
    opened = run(app, "inspections", "open", "--campaign", "tuky-2023", "--unit", "UBND xã Chí Minh", "--kind", "surprise",
                 "--visit-date", "2023-08-09", "--reason", "Phản ánh của người dân", "--as", "coordinator@tuky.local", "--at", "2023-08-09T07:30")
    assert "Đã mở hồ sơ #36: Kiểm tra đột xuất, UBND xã Chí Minh." in opened.stdout
    fire_in(db, 36, "visit", at(date(2023, 8, 9), 10), radio="Phóng viên Trần Văn B, Đài Phát thanh", team=[1, 2, 3])
    fire_in(db, 36, "sign_minutes", at(date(2023, 8, 9), 16), participants="Chủ tịch UBND xã")
    store = FileStore(tmp_path / "files", 1 << 20)
    with db.session() as session:
        first = session.scalar(select(AuditEntry).where(AuditEntry.inspection_id == 36).order_by(AuditEntry.seq))
        assert (first.seq, first.trigger, first.actor, first.comment) == (1, "create", "coordinator@tuky.local", "Phản ánh của người dân")
        minutes = render_document(session, store, "minutes", actor=COORDINATOR, now=at(date(2023, 8, 10)), inspection_id=36)
        assert "- Phóng viên Đài Phát thanh huyện Tứ Kỳ: Phóng viên Trần Văn B, Đài Phát thanh (ghi hình, đưa tin)." in lines(open_docx(store.read(minutes.sha256)))
    listed = run(app, "inspections", "list", "--campaign", "tuky-2023", "--kind", "surprise", "--json").stdout
    assert '"state": "minutes_signed"' in listed and '"unit": "UBND xã Chí Minh"' in listed


def test_opening_a_case_through_the_api(app):
    from tests.test_api import bearer, conforms

    client = app.test_client()
    document = client.get("/api/v1/openapi.json").json
    body = {"campaign": "tuky-2023", "unit": "UBND xã Quang Khải", "kind": "surprise", "data": {"reason": "Đột xuất"}}
    assert client.post("/api/v1/inspections", json=body, headers=bearer(app, "inspector")).status_code == 403
    unknown = client.post("/api/v1/inspections", json={**body, "unit": "UBND xã Quang Khai"}, headers=bearer(app, "coordinator"))
    assert unknown.status_code == 422 and unknown.mimetype == "application/problem+json"
    assert unknown.json["errors"][0]["field"] == "unit" and "UBND xã Quang Khải" in unknown.json["detail"]
    missing = client.post("/api/v1/inspections", json={**body, "campaign": "nope"}, headers=bearer(app, "coordinator"))
    assert missing.status_code == 404
    created = client.post("/api/v1/inspections", json=body, headers=bearer(app, "coordinator"))
    assert created.status_code == 201
    conforms(document, "CaseDetail", created.json)
    assert (created.json["kind"], created.json["unit"], created.json["state"]) == ("surprise", "UBND xã Quang Khải", "planned")
    assert "visit" in created.json["available_triggers"]


# --- a second issuer: the sample province plan ------------------------------------------------

def test_the_sample_province_plan_runs_and_nothing_says_tu_ky_or_huyen(empty_database_url, tmp_path):
    from jobs.sweep import sweep
    from models import OutboxMessage
    from tests.documents_readback import lines, open_docx
    from workflow.casefile.rendering import render_document
    from workflow.people.accounts import save_user


    db = Database(empty_database_url)
    store = FileStore(tmp_path / "files", 1 << 20)
    with db.session() as session:
        import_plan(session, shipped("sample-tinh-2026"), actor=COORDINATOR, now=at(date(2026, 6, 22)))
        save_user(session, email="lanhdao@minhhoa.example", role="leader", actor=COORDINATOR, now=at(date(2026, 6, 22)), password="mat-khau-thu-nghiem")
        campaign = session.scalar(select(Campaign))
        cases = {c.unit_name: c.id for c in campaign.inspections}
        ward = session.get(Inspection, cases["UBND phường Bắc Minh"])
        ward_id, visit, notice_due, report_due = ward.id, ward.visit_date, ward.notice_due, ward.report_due
        assert campaign.day_counting == "working" and notice_due < visit - 10 * DAY  # ten working days
        surprise = open_inspection(session, campaign_code="sample-tinh-2026", unit_name="UBND xã Tây Hòa", kind="surprise",
                                   actor=COORDINATOR, now=at(date(2026, 7, 15), 7), visit_date=date(2026, 7, 15), reason="Phản ánh của người dân").id
    fire_in(db, surprise, "visit", at(date(2026, 7, 15), 11), radio="Phóng viên Lê Thị C, Đài Phát thanh và Truyền hình tỉnh", team=[1, 3])
    fire_in(db, surprise, "sign_minutes", at(date(2026, 7, 15), 16), participants="Chủ tịch UBND xã")
    fire_in(db, ward_id, "notify", at(notice_due))
    fire_in(db, ward_id, "receive_report", at(report_due))
    fire_in(db, ward_id, "visit", at(visit, 16), team=[1, 3])
    fire_in(db, ward_id, "sign_minutes", at(visit, 17), participants="Lãnh đạo UBND phường")
    fire_in(db, ward_id, "conclude", at(visit + 7 * DAY), findings=[{"section": "B.2", "text": "Chưa công khai đủ TTHC."}])
    texts = []
    with db.session() as session:
        campaign_id = session.scalar(select(Campaign.id))
        for kind, where in (("schedule_notice", {"campaign_id": campaign_id}), ("summary_report", {"campaign_id": campaign_id}),
                            ("minutes", {"inspection_id": surprise}), ("conclusion_notice", {"inspection_id": ward_id})):
            attachment = render_document(session, store, kind, actor=COORDINATOR, now=at(visit + 8 * DAY), **where)
            texts.append("\n".join(lines(open_docx(store.read(attachment.sha256)))))
        sweep(session, at(date(2026, 8, 31)))
        mails = [f"{m.subject}\n{m.body}" for m in session.scalars(select(OutboxMessage))]
    notice, report, minutes, conclusion = texts
    assert "ỦY BAN NHÂN DÂN\nTỈNH MINH HỌA" in notice and "Minh Họa, ngày" in notice and "TM. ỦY BAN NHÂN DÂN" in notice
    assert "- Tại UBND các xã, phường, đặc khu:" in notice and "mời phóng viên Đài Phát thanh và Truyền hình tỉnh" in notice
    assert "SỞ NỘI VỤ" in report and "GIÁM ĐỐC" in report and "kính trình Chủ tịch Ủy ban nhân dân tỉnh Minh Họa" in report
    assert "- Phóng viên Đài Phát thanh và Truyền hình tỉnh Minh Họa: Phóng viên Lê Thị C, Đài Phát thanh và Truyền hình tỉnh (ghi hình, đưa tin)." in minutes
    assert "(qua Sở Nội vụ)" in conclusion and "- CT, các PCT UBND tỉnh Minh Họa;" in conclusion
    assert any("lãnh đạo Ủy ban nhân dân tỉnh Minh Họa" in mail for mail in mails)
    assert all("Sở Nội vụ gửi tự động" in mail for mail in mails)
    for text in [*texts, *mails]:
        assert "Tứ Kỳ" not in text and "huyện" not in text.lower()
    db.dispose()
