"""The 2023 plan as data, checked against the plan's text."""
import re
import unicodedata
from collections import Counter
from datetime import date, time

from sqlalchemy import func, select

from models import AuditEntry, Campaign, Inspection, Outline, OutlineItem, OutlineSection, Unit
from plans import tuky_2023
from workflow.campaigns.outline_parser import parse_outlines
from tests.conftest import SEED_NOW
from workflow.deadlines.counting import counting_of

PLAN = tuky_2023.PLAN_TEXT.read_text(encoding="utf-8")


def flat(text: str) -> str:
    """The plan's text without its line wrapping and page numbers."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\n\s*\d+\s*\n", "\n", text)
    return re.sub(r"\s+", " ", text)


def test_both_outlines_have_the_plans_sections():
    offices, communes = parse_outlines(PLAN)
    assert "Dành cho các cơ quan trực thuộc UBND huyện" in offices.audience
    assert "Dành cho UBND các xã, thị trấn" in communes.audience
    office_codes = [s.code for s in offices.sections]
    assert office_codes == ["A", "B", *[f"B.{n}" for n in range(1, 9)], "C", "C.I", "C.II", "C.III", "C.III.1", "C.III.2", "C.III.3"]
    commune_codes = [s.code for s in communes.sections]
    assert commune_codes == ["P1", "A", "B", *[f"B.{n}" for n in range(1, 10)], "P2", "I", "II", "III", "III.1", "III.2", "III.3"]
    # Sections with "a) Kết quả đạt được / b) Tồn tại, hạn chế và nguyên nhân".
    assert [s.code for s in offices.sections if s.assessed] == [f"B.{n}" for n in range(1, 8)]
    assert [s.code for s in communes.sections if s.assessed] == [f"B.{n}" for n in range(1, 9)]
    assert offices.section("B.3").title == "Cải cách thủ tục hành chính"
    assert communes.section("B.3").title == "Cải cách thủ tục hành chính (TTHC)"
    assert communes.section("II").description == "Nêu các giải pháp cụ thể để đảm bảo hoàn thành Kế hoạch CCHC năm 2023 đã đề ra."


def test_every_item_is_verbatim_and_in_the_plans_order():
    text = flat(PLAN)
    for outline in parse_outlines(PLAN):
        position = 0
        for section in outline.sections:
            for item in section.items:
                for piece in [item, *item.children]:
                    found = text.find(piece.text, position)
                    assert found >= 0, piece.text
                    position = found
    offices, communes = parse_outlines(PLAN)
    counts = lambda outline: {s.code: (len(s.items), sum(len(i.children) for i in s.items)) for s in outline.sections if s.items}
    assert counts(offices) == {"B.1": (5, 0), "B.2": (4, 0), "B.3": (6, 0), "B.4": (1, 0), "B.5": (4, 0), "B.6": (5, 0), "B.7": (6, 0), "B.8": (2, 0)}
    assert counts(communes) == {"B.1": (9, 6), "B.2": (4, 0), "B.3": (11, 0), "B.4": (4, 0), "B.5": (6, 0), "B.6": (6, 0), "B.7": (7, 9), "B.8": (2, 0), "B.9": (2, 0)}
    assert offices.section("B.4").items[0].text == "Việc xây dựng và thực hiện các quy chế tại cơ quan, đơn vị (quy chế làm việc, quy tắc ứng xử, quy chế dân chủ)."
    assert communes.section("B.7").items[-1].children[-1].text == "Tỷ lệ hồ sơ TTHC được trực tuyến."


def test_seed_loads_the_plans_units_cases_and_dates(session):
    campaign = session.scalar(select(Campaign))
    assert (campaign.code, campaign.year, campaign.team_decision_number, campaign.team_decision_date) == ("tuky-2023", 2023, "2025/QĐ-UBND", date(2023, 7, 17))
    assert (campaign.window_start, campaign.window_end) == (date(2023, 7, 1), date(2023, 8, 31))
    assert (campaign.self_check_by, campaign.self_report_due) == (date(2023, 8, 15), date(2023, 8, 20))
    assert (campaign.notice_lead_days, campaign.report_lead_days) == (10, 5)

    cases = session.scalars(select(Inspection).join(Unit).order_by(Inspection.id)).all()
    direct = [c for c in cases if c.kind == "direct"]
    assert [c.unit_name for c in direct] == [spec.name for spec in tuky_2023.DIRECT_UNITS]
    assert Counter(c.unit.kind for c in direct) == {"office": 6, "commune": 19}
    for place in ("Đại Sơn", "Hưng Đạo", "Tái Sơn", "Quang Phục", "Tân Kỳ", "Dân Chủ", "Đại Hợp", "Quảng Nghiệp", "Bình Lãng",
                  "Minh Đức", "Văn Tố", "Phượng Kỳ", "Tiên Động", "Quang Trung", "Cộng Lạc", "An Thanh", "Nguyên Giáp", "Hà Thanh", "Hà Kỳ"):
        assert f"UBND xã {place}" in [c.unit_name for c in direct]
        assert place in flat(PLAN)
    self_cases = [c for c in cases if c.kind == "self"]
    assert {c.unit_name for c in self_cases} == {
        "Văn phòng HĐND và UBND", "Phòng Nội vụ", "Phòng Tư pháp", "Phòng Tài chính - Kế hoạch",
        "Phòng Lao động - Thương binh và Xã hội", "Phòng Văn hóa và Thông tin",
        "UBND thị trấn Tứ Kỳ", "UBND xã Ngọc Kỳ", "UBND xã Chí Minh", "UBND xã Quang Khải",
    }
    # "trước ngày 20/8/2023", "xong trước ngày 15/8/2023": the last days on time are 19/08 and 14/08.
    assert all(c.state == "planned" and (c.self_report_due, c.self_check_due) == (date(2023, 8, 19), date(2023, 8, 14)) for c in self_cases)

    counting = counting_of(campaign)
    per_day = Counter(c.visit_date for c in direct)
    assert max(per_day.values()) <= campaign.visits_per_day
    for c in direct:
        assert campaign.window_start <= c.visit_date <= campaign.window_end
        assert counting.calendar.is_working_day(c.visit_date)
        assert c.visit_time in (time(8), time(14))
        assert c.notice_due >= campaign.schedule_from  # every notice can still go out on time
        assert c.notice_due == counting.due_before(c.visit_date, 10)
        assert c.report_due == counting.due_before(c.visit_date, 5)


def test_seed_stores_both_outlines_item_by_item(session):
    outlines = {o.unit_kind: o for o in session.scalars(select(Outline))}
    assert set(outlines) == {"office", "commune"}
    items = lambda kind: session.scalars(
        select(OutlineItem.text).join(OutlineSection).where(OutlineSection.outline_id == outlines[kind].id).order_by(OutlineItem.position)
    ).all()
    assert len(items("office")) == 33
    assert len(items("commune")) == 51 + 15
    assert items("commune")[0].startswith("Việc xây dựng, ban hành Kế hoạch CCHC; tiến độ, kết quả thực hiện Kế hoạch CCHC")
    nested = session.scalar(select(func.count()).select_from(OutlineItem).where(OutlineItem.parent_id.is_not(None)))
    assert nested == 15
    sub = session.scalar(select(OutlineSection).where(OutlineSection.outline_id == outlines["office"].id, OutlineSection.code == "C.III.2"))
    assert sub.title == "Đối với tỉnh" and sub.parent_id is not None


def test_running_the_seed_twice_changes_nothing(db):
    def fingerprint():
        with db.session() as session:
            return (
                session.scalar(select(func.count()).select_from(AuditEntry)),
                session.execute(select(Inspection.id, Inspection.version, Inspection.visit_date, Inspection.audit_head).order_by(Inspection.id)).all(),
                session.scalar(select(func.count()).select_from(OutlineItem)),
                session.scalar(select(func.count()).select_from(Unit)),
            )

    before = fingerprint()
    with db.session() as session:
        report = tuky_2023.load(session, SEED_NOW)
    assert not report.changed
    assert fingerprint() == before
