"""The 2023 plan of UBND huyện Tứ Kỳ (Hải Dương): Kế hoạch kiểm tra công tác cải cách hành chính,
hoạt động công vụ năm 2023 (``plans/data/ke-hoach-kiem-tra-cchc-2023.txt``), as data.

:func:`load` creates what is missing and leaves alone what exists, so running it twice changes
nothing and a coordinator's later edits survive a re-run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Campaign, Inspection, Outline, OutlineItem, OutlineSection, Unit
from models.db import write_transaction
from vocabulary.states import Kind, UnitKind
from workflow import audit
from workflow.deadlines.schedule import propose_schedule
from workflow.engine.cases import open_case
from workflow.people.permissions import Actor

from .outline_parser import OutlineSpec, parse_outlines

CODE = "tuky-2023"
PLAN_TEXT = Path(__file__).parent / "data" / "ke-hoach-kiem-tra-cchc-2023.txt"
SEED_ACTOR = Actor("seed:tuky-2023", "admin")

CAMPAIGN = dict(
    code=CODE,
    year=2023,
    title="Kiểm tra công tác cải cách hành chính, hoạt động công vụ năm 2023",
    plan_number=None,  # left blank in the plan: "Kế hoạch số …/KH-UBND ngày … tháng 7 năm 2023"
    plan_date=None,
    basis="Căn cứ Kế hoạch số 241/KH-UBND ngày 30/12/2022 của UBND huyện về cải cách hành chính nhà nước huyện Tứ Kỳ năm 2023",
    issuer="Ủy ban nhân dân huyện Tứ Kỳ",
    issuer_short="UBND",
    place="Tứ Kỳ",
    signer_title="Chủ tịch",
    signer_name="Vũ Thị Hà",
    team_decision_number="2025/QĐ-UBND",
    team_decision_date=date(2023, 7, 17),
    window_start=date(2023, 7, 1),  # III.2: "trong tháng 7 và tháng 8 năm 2023"
    window_end=date(2023, 8, 31),
    schedule_from=date(2023, 7, 17),  # notices go out once the team is set up
    visits_per_day=2,
    notice_lead_days=10,  # III.1.b: "trước 10 ngày kiểm tra"
    report_lead_days=5,  # III.1.b, V.3: "trước 05 ngày kiểm tra"
    minutes_days=5,
    conclusion_days=15,
    remediation_days=30,
    self_check_by=date(2023, 8, 15),  # III.2: "tự kiểm tra xong trước ngày 15/8/2023"
    self_report_due=date(2023, 8, 20),  # III.2: "báo cáo … trước ngày 20/8/2023"
    self_dates_before=True,  # "trước ngày 20/8": the report is due by 19/8, the self-inspection done by 14/8
    reinspection_lead_days=20,
    # The UBND's văn thư numbers its notices and Phòng Nội vụ's reports (Nghị định 30/2020, Art. 15);
    # the team numbers its own minutes.
    numbering={"TB": "agency", "BC": "agency", "BB": "own"},
    day_counting="calendar",
    extra_days_off=[],
    makeup_workdays=[],
)


@dataclass(frozen=True)
class UnitSpec:
    name: str
    full_name: str
    kind: UnitKind


def _office(name: str, full_name: str | None = None) -> UnitSpec:
    return UnitSpec(name, full_name or name, UnitKind.OFFICE)


def _commune(place: str, level: str = "xã") -> UnitSpec:
    return UnitSpec(f"UBND {level} {place}", f"Ủy ban nhân dân {level} {place}", UnitKind.COMMUNE)


# Section II.2: inspected directly, in the plan's order.
DIRECT_UNITS = [
    _office("Phòng Tài nguyên và Môi trường"),
    _office("Phòng Giáo dục và Đào tạo"),
    _office("Phòng Nông nghiệp và PTNT", "Phòng Nông nghiệp và Phát triển nông thôn"),
    _office("Thanh tra huyện"),
    _office("Phòng Y tế"),
    _office("Phòng Kinh tế và Hạ tầng"),
    *(
        _commune(place)
        for place in (
            "Đại Sơn", "Hưng Đạo", "Tái Sơn", "Quang Phục", "Tân Kỳ", "Dân Chủ", "Đại Hợp",
            "Quảng Nghiệp", "Bình Lãng", "Minh Đức", "Văn Tố", "Phượng Kỳ", "Tiên Động",
            "Quang Trung", "Cộng Lạc", "An Thanh", "Nguyên Giáp", "Hà Thanh", "Hà Kỳ",
        )
    ),
]

# Sections III.1.a and III.2: the district's other units inspect themselves.
SELF_UNITS = [
    _office("Văn phòng HĐND và UBND", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"),
    _office("Phòng Nội vụ"),
    _office("Phòng Tư pháp"),
    _office("Phòng Tài chính - Kế hoạch"),
    _office("Phòng Lao động - Thương binh và Xã hội"),
    _office("Phòng Văn hóa và Thông tin"),
    _commune("Tứ Kỳ", "thị trấn"),
    _commune("Ngọc Kỳ"),
    _commune("Chí Minh"),
    _commune("Quang Khải"),
]

OUTLINE_KINDS = (UnitKind.OFFICE, UnitKind.COMMUNE)  # the plan's two outlines, in its order


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _campaign(session: Session, now: datetime, report: LoadReport) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.code == CODE))
    if campaign is None:
        campaign = Campaign(**CAMPAIGN, created_at=now, updated_at=now)
        session.add(campaign)
        session.flush()
        audit.append(session, campaign, at=now, actor=SEED_ACTOR.name, trigger="create", data=audit.snapshot(campaign))
        report.count("campaign")
    return campaign


def _unit(session: Session, spec: UnitSpec, now: datetime, report: LoadReport) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.name == spec.name))
    if unit is None:
        unit = Unit(name=spec.name, full_name=spec.full_name, kind=spec.kind.value, active=True, created_at=now, updated_at=now)
        session.add(unit)
        session.flush()
        audit.append(session, unit, at=now, actor=SEED_ACTOR.name, trigger="create", data=audit.snapshot(unit))
        report.count("unit")
    return unit


def _outline(session: Session, campaign: Campaign, kind: UnitKind, spec: OutlineSpec, now: datetime, report: LoadReport) -> None:
    exists = session.scalar(select(Outline.id).where(Outline.campaign_id == campaign.id, Outline.unit_kind == kind.value))
    if exists is not None:
        return
    outline = Outline(campaign=campaign, unit_kind=kind.value, title=spec.title, audience=spec.audience)
    by_code: dict[str, OutlineSection] = {}
    item_count = 0  # items are numbered in the order the plan lists them
    for position, section_spec in enumerate(spec.sections, start=1):
        section = OutlineSection(
            position=position,
            code=section_spec.code,
            heading=section_spec.heading,
            title=section_spec.title,
            description=section_spec.description,
            assessed=section_spec.assessed,
        )
        outline.sections.append(section)
        by_code[section_spec.code] = section
        for item_spec in section_spec.items:
            item_count += 1
            item = OutlineItem(position=item_count, text=item_spec.text)
            section.items.append(item)
            for child in item_spec.children:
                item_count += 1
                section.items.append(OutlineItem(position=item_count, text=child.text, parent=item))
    session.add(outline)
    session.flush()
    for section_spec in spec.sections:
        if section_spec.parent:
            by_code[section_spec.code].parent_id = by_code[section_spec.parent].id
    audit.append(session, campaign, at=now, actor=SEED_ACTOR.name, trigger="load_outline",
                 data={"unit_kind": kind.value, "sections": len(spec.sections), "items": item_count})
    report.count("outline")


def _case(session: Session, campaign: Campaign, unit: Unit, kind: Kind) -> Inspection | None:
    return session.scalar(
        select(Inspection).where(Inspection.campaign_id == campaign.id, Inspection.unit_id == unit.id, Inspection.kind == kind.value)
    )


def load(session: Session, now: datetime) -> LoadReport:
    """Load the campaign, its units, its two outlines and one case per unit and kind."""
    report = LoadReport()
    with write_transaction(session):
        campaign = _campaign(session, now, report)
        outlines = parse_outlines(PLAN_TEXT.read_text(encoding="utf-8"))
        for kind, spec in zip(OUTLINE_KINDS, outlines, strict=True):
            _outline(session, campaign, kind, spec, now, report)
        direct = [_unit(session, spec, now, report) for spec in DIRECT_UNITS]
        slots = propose_schedule(campaign, len(direct), campaign.schedule_from or campaign.window_start)
        for unit, (visit_date, visit_time) in zip(direct, slots):
            if _case(session, campaign, unit, Kind.DIRECT) is None:
                open_case(session, campaign=campaign, unit=unit, kind=Kind.DIRECT, actor=SEED_ACTOR, now=now,
                          visit_date=visit_date, visit_time=visit_time, comment="Lịch dự kiến theo Kế hoạch")
                report.count("direct case")
        for spec in SELF_UNITS:
            unit = _unit(session, spec, now, report)
            if _case(session, campaign, unit, Kind.SELF) is None:
                open_case(session, campaign=campaign, unit=unit, kind=Kind.SELF, actor=SEED_ACTOR, now=now)
                report.count("self case")
    return report
