"""The plan file: a campaign as TOML, validated by one pydantic schema.

A plan file holds what a Kế hoạch kiểm tra says — the issuing body, the plan's number, basis and
dates, the team decision and its members, the window, lead times, day counting, the timed rules' offsets, the units
with each one's kind of inspection, and the outlines item by item. :func:`parse_plan` reads it with
``tomllib`` and reports every problem at once, each with the field's path and the line of the file
it is on; :func:`dump_plan` writes it back with ``tomli_w``.
"""
from __future__ import annotations

import re
import tomllib
import datetime as dt
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vocabulary.campaigns import (ACCEPT_UNSIGNED, ISSUER_LEVEL_CODES, PLANNED_KINDS, TEAM_ROLES, UNIT_CATEGORIES, UNIT_CATEGORY_CODES,
                                  UNSIGNED_POLICIES)
from vocabulary.day_counting import COUNTING_MODES
from vocabulary.i18n import Text, _
from workflow.errors import BadData, Problem

IssuerLevelCode = Literal[ISSUER_LEVEL_CODES]  # type: ignore[valid-type]
CategoryCode = Literal[UNIT_CATEGORY_CODES]  # type: ignore[valid-type]
PlannedKind = Literal[PLANNED_KINDS]  # type: ignore[valid-type]
UnitKindCode = Literal["office", "commune"]
TeamRole = Literal[TEAM_ROLES]  # type: ignore[valid-type]
CountingMode = Literal[COUNTING_MODES]  # type: ignore[valid-type]
UnsignedPolicy = Literal[UNSIGNED_POLICIES]  # type: ignore[valid-type]
Days = Field(ge=0, le=365)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Issuer(_Part):
    name: str = Field(min_length=1, max_length=200)  # "Ủy ban nhân dân huyện Tứ Kỳ"
    short_name: str = Field("UBND", min_length=1, max_length=100)
    level: IssuerLevelCode
    place: str = Field(min_length=1, max_length=100)  # "Tứ Kỳ, ngày … tháng … năm …"
    office: str = Field("Phòng Nội vụ", min_length=1, max_length=200)  # the office that runs the campaign
    office_head_title: str = Field("Trưởng phòng", min_length=1, max_length=100)  # signs the summary report
    office_head_name: str | None = Field(None, max_length=100)
    signer_title: str = Field(min_length=1, max_length=100)
    signer_name: str = Field("", max_length=100)


class PlanDocument(_Part):
    number: str | None = Field(None, max_length=50)
    date: dt.date | None = None
    basis: str | None = None


class PlanMember(_Part):
    """A member of the team as the team decision lists them (``[[team_decision.members]]``)."""

    name: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)  # chức vụ
    workplace: str | None = Field(None, max_length=200)  # nơi công tác
    role: TeamRole = "member"


class Decision(_Part):
    number: str | None = Field(None, max_length=50)
    date: dt.date | None = None
    members: list[PlanMember] = []

    @field_validator("members")
    @classmethod
    def _one_head(cls, members: list[PlanMember]) -> list[PlanMember]:
        heads = [member.name for member in members if member.role == "head"]
        if len(heads) > 1:
            raise ValueError(str(_("one head of the team, not {count} ({names})", count=len(heads), names=", ".join(heads))))
        return members


class Window(_Part):
    start: dt.date
    end: dt.date
    schedule_from: dt.date | None = None  # notices go out from this day on
    visits_per_day: int = Field(2, ge=1, le=4)

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if self.end < self.start:
            raise ValueError(str(_("the window ends before it starts")))
        return self


class LeadTimes(_Part):
    notice: int = Field(10, ge=0, le=365)
    report: int = Field(5, ge=0, le=365)
    minutes: int = Field(5, ge=0, le=365)
    conclusion: int = Field(15, ge=0, le=365)
    remediation: int = Field(30, ge=0, le=365)
    reinspection: int = Field(20, ge=0, le=365)  # a phúc tra ordered on day D is planned for D + this


class SelfInspection(_Part):
    done_by: dt.date | None = None
    report_due: dt.date | None = None
    # The plan writes "trước ngày 20/8/2023": true reads both dates as the first day that is late.
    dates_before: bool = False


class DayNote(_Part):
    date: dt.date
    note: str = ""


class DayCounting(_Part):
    mode: CountingMode = "calendar"
    extra_days_off: list[DayNote] = []
    makeup_workdays: list[DayNote] = []


class TimedRules(_Part):
    """The offsets of DESIGN.md's timed rules, named as the campaign's settings are."""

    notice_reminder_days: int = Field(3, ge=0, le=365)
    notice_escalation_lead_days: int = Field(5, ge=0, le=365)
    report_reminder_days: int = Field(2, ge=0, le=365)
    report_escalation_lead_days: int = Field(0, ge=0, le=365)
    conclusion_escalation_days: int = Field(7, ge=0, le=365)
    remediation_reminder_days: int = Field(7, ge=0, le=365)
    remediation_grace_days: int = Field(10, ge=0, le=365)
    self_reminder_days: int = Field(5, ge=0, le=365)
    self_escalation_days: int = Field(5, ge=0, le=365)
    alert_hour: int = Field(7, ge=0, le=23)


class Uploads(_Part):
    """What the units send: a report, remediation report or evidence without a valid digital
    signature is accepted (flagged) or refused; a broken signature is always refused."""

    unsigned: UnsignedPolicy = ACCEPT_UNSIGNED


class PlanUnit(_Part):
    name: str = Field(min_length=1, max_length=200)  # as the plan writes it
    full_name: str | None = Field(None, max_length=300)  # the full official name; default: name
    kind: UnitKindCode
    category: CategoryCode | None = None
    email: str | None = Field(None, max_length=200)
    inspection: PlannedKind
    visit_date: dt.date | None = None
    visit_time: dt.time | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "PlanUnit":
        if self.category and UNIT_CATEGORIES[self.category][0] != self.kind:
            raise ValueError(str(_("the category \u201c{category}\u201d is not of the kind \u201c{kind}\u201d", category=self.category, kind=self.kind)))
        if self.inspection == "self" and self.visit_date:
            raise ValueError(str(_("a self-inspected unit has no visit date")))
        return self

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(str(_("not an e-mail address")))
        return value.lower() if value else None


class PlanItem(_Part):
    text: str = Field(min_length=1)
    children: list[str] = []


class PlanSection(_Part):
    code: str = Field(min_length=1, max_length=20)  # "B.3"
    heading: str = Field(max_length=20)  # "3."
    title: str = ""
    parent: str | None = None
    description: str | None = None
    assessed: bool = False  # has "a) Kết quả đạt được" / "b) Tồn tại, hạn chế và nguyên nhân"
    items: list[PlanItem] = []


class PlanOutline(_Part):
    unit_kind: UnitKindCode
    title: str
    audience: str = ""
    sections: list[PlanSection] = []

    @model_validator(mode="after")
    def _tree(self) -> "PlanOutline":
        seen: set[str] = set()
        for section in self.sections:
            if section.code in seen:
                raise ValueError(str(_("section {code} appears twice", code=section.code)))
            if section.parent and section.parent not in seen:
                raise ValueError(str(_("section {code}: its parent {parent} must come before it", code=section.code, parent=section.parent)))
            seen.add(section.code)
        return self


class PlanFile(_Part):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,49}$")  # "tuky-2023"
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=300)
    issuer: Issuer
    plan: PlanDocument = PlanDocument()
    team_decision: Decision = Decision()
    window: Window
    lead_times: LeadTimes = LeadTimes()
    self_inspection: SelfInspection = SelfInspection()
    day_counting: DayCounting = DayCounting()
    timed_rules: TimedRules = TimedRules()
    uploads: Uploads = Uploads()
    # Who numbers each type of outgoing document: the agency's văn thư or this product's register.
    numbering: dict[Literal["TB", "BB", "BC"], Literal["agency", "own"]] = {}
    units: list[PlanUnit] = []
    outlines: list[PlanOutline] = []

    @field_validator("units")
    @classmethod
    def _unique_units(cls, units: list[PlanUnit]) -> list[PlanUnit]:
        names = [unit.name.casefold() for unit in units]
        twice = sorted({unit.name for unit in units if names.count(unit.name.casefold()) > 1})
        if twice:
            raise ValueError(str(_("listed twice: {names}", names=", ".join(twice))))
        return units

    @field_validator("outlines")
    @classmethod
    def _one_outline_per_kind(cls, outlines: list[PlanOutline]) -> list[PlanOutline]:
        kinds = [outline.unit_kind for outline in outlines]
        if len(set(kinds)) != len(kinds):
            raise ValueError(str(_("one outline per kind of unit")))
        return outlines

    @model_validator(mode="after")
    def _dates_in_window(self) -> "PlanFile":
        for unit in self.units:
            if unit.visit_date and not self.window.start <= unit.visit_date <= self.window.end:
                raise ValueError(str(_("the visit of {unit} ({day}) is outside the window", unit=unit.name, day=unit.visit_date.isoformat())))
        return self


class PlanFileError(BadData):
    """A plan file that cannot be used: every problem, with its field and line."""

    code = "bad_plan_file"
    title = "Invalid plan file"


# --- where a field is in the text -------------------------------------------------------------

_HEADER = re.compile(r"^\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^([A-Za-z0-9_\-.\"' ]+?)\s*=\s*(.*)$")


def _names(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


def key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """The line (from 1) of each table, key and element of a multi-line array, by its path as
    pydantic reports it (``("units", 3, "kind")``). Enough of TOML for the files we read and
    write: bare or quoted keys, tables, arrays of tables, arrays over several lines."""
    lines: dict[tuple[Any, ...], int] = {}
    counters: dict[tuple[Any, ...], int] = {}
    table: tuple[Any, ...] = ()
    open_string: str | None = None
    array: tuple[Any, ...] | None = None
    element = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if open_string:
            if line.count(open_string) % 2 == 1:
                open_string = None
            continue
        if not line or line.startswith("#"):
            continue
        if array is not None:
            if line.startswith("]"):
                array = None
            else:
                lines[(*array, element)] = number
                element += 1
            continue
        if header := _HEADER.match(line):
            names = _names(header[1])
            loc: tuple[Any, ...] = ()
            for name in names[:-1]:
                loc += (name,)
                if loc in counters:
                    loc += (counters[loc],)
            loc += (names[-1],)
            if line.startswith("[["):
                counters[loc] = counters.get(loc, -1) + 1
                loc += (counters[loc],)
            table = loc
            lines.setdefault(table, number)
            continue
        if key := _KEY.match(line):
            path = (*table, *_names(key[1]))
            lines[path] = number
            value = key[2]
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    open_string = quote
            if value.startswith("[") and value.count("[") > value.count("]"):
                array, element = path, 0
    return lines


def line_of(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    """The line of ``loc``, or of the nearest enclosing table or key the text has."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def field_path(loc: tuple[Any, ...]) -> str:
    """``units[4].kind``: list positions counted from 1, as a reader counts."""
    path = ""
    for part in loc:
        path += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


_MESSAGES = {
    "missing": lambda e: _("is missing"),
    "extra_forbidden": lambda e: _("is not a field of a plan file"),
    "literal_error": lambda e: _("must be one of {choices}", choices=e["ctx"]["expected"].replace("'", "").replace(" or ", ", ")),
    "date_parsing": lambda e: _("is not a valid date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": lambda e: _("is not a valid date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": lambda e: _("is not a valid date (YYYY-MM-DD)"),
    "date_type": lambda e: _("is not a valid date (YYYY-MM-DD)"),
    "time_parsing": lambda e: _("is not a valid time (HH:MM)"),
    "time_type": lambda e: _("is not a valid time (HH:MM)"),
    "int_parsing": lambda e: _("must be a whole number"),
    "int_type": lambda e: _("must be a whole number"),
    "int_from_float": lambda e: _("must be a whole number"),
    "greater_than_equal": lambda e: _("must be at least {limit}", limit=e["ctx"]["ge"]),
    "less_than_equal": lambda e: _("must be at most {limit}", limit=e["ctx"]["le"]),
    "string_type": lambda e: _("must be text"),
    "string_too_short": lambda e: _("must not be empty"),
    "string_too_long": lambda e: _("is too long (at most {limit} characters)", limit=e["ctx"]["max_length"]),
    "string_pattern_mismatch": lambda e: _("may hold only lower-case letters, digits and hyphens"),
    "bool_type": lambda e: _("must be true or false"),
    "bool_parsing": lambda e: _("must be true or false"),
    "list_type": lambda e: _("must be a list"),
    "model_type": lambda e: _("must be a table"),
    "model_attributes_type": lambda e: _("must be a table"),
    "dict_type": lambda e: _("must be a table"),
    "value_error": lambda e: Text("{problem}", {"problem": str(e["ctx"]["error"])}),  # our validators' own words
}


def problem_text(error: dict[str, Any]) -> Text:
    explain = _MESSAGES.get(error["type"])
    return explain(error) if explain else _("is not valid ({detail})", detail=error["msg"])


def validation_problems(error: ValidationError, text: str | None, source: str) -> list[Problem]:
    """Each pydantic error as a Vietnamese problem naming the field and, with the text, its line."""
    lines = key_lines(text) if text is not None else {}
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        path = field_path(loc) or str(_("the file"))
        line = line_of(lines, loc) if lines else None
        if line is None:
            message = _("{source}, {field}: {problem}", source=source, field=path, problem=problem_text(item))
        else:
            message = _("{source}, line {line}, {field}: {problem}", source=source, line=line, field=path, problem=problem_text(item))
        problems.append(Problem(message, path))
    return problems


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_error(error: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """The line ``tomllib`` names in its error (None when it names none) and the error without it."""
    found = _TOML_AT.search(str(error))
    return (int(found[1]) if found else None), _TOML_AT.sub("", str(error)).strip()


def toml_comments(header: str | None) -> str:
    """``header`` as comment lines for the top of a TOML file."""
    return "".join(f"# {line}".rstrip() + "\n" for line in (header or "").splitlines())


def parse_plan(text: str, source: str = "plan") -> PlanFile:
    """The plan in ``text`` (``source`` names it in the messages), or :class:`PlanFileError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, detail = toml_error(error)
        if line:
            raise PlanFileError(_("{source}, line {line}: not valid TOML ({detail})", source=source, line=line, detail=detail)) from None
        raise PlanFileError(_("{source}: not valid TOML ({detail})", source=source, detail=detail)) from None
    return validate_plan(data, text=text, source=source)


def validate_plan(data: dict[str, Any], *, text: str | None = None, source: str = "plan") -> PlanFile:
    try:
        return PlanFile.model_validate(data)
    except ValidationError as error:
        raise PlanFileError(validation_problems(error, text, source)) from None


def _drop_empty(value: Any) -> Any:
    """No ``None`` (TOML has no null) and no empty ``children`` lists."""
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v is not None and not (k == "children" and v == [])}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def dump_plan(plan: PlanFile, header: str | None = None) -> str:
    """The plan as TOML; ``header`` becomes comment lines at the top."""
    body = tomli_w.dumps(_drop_empty(plan.model_dump(mode="python")))
    return toml_comments(header) + "\n" + body if header else body
