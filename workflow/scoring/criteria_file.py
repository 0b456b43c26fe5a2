"""The criteria file: a Bộ tiêu chí as TOML, validated by one pydantic schema.

A file holds one set — for one kind of unit — with its ranking bands and its fields
(``[[fields]]``), each field's criteria (``[[fields.criteria]]``) and their sub-criteria
(``[[fields.criteria.subcriteria]]``). Every node has its code, title and maximum points; a
leaf says how it is scored (``yes_no``; ``level`` with its ``levels``; ``rate`` with its
``rate_bands``), whether evidence is required and the outline section it belongs to. A file that
cannot be used is refused with every problem at once, each naming the field and its line.
"""
from __future__ import annotations

import tomllib
from decimal import Decimal
from typing import Any, Iterator, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vocabulary.i18n import N_, _
from workflow.campaigns.plan_file import key_lines, line_of, toml_comments, toml_error  # the one TOML locator of the plan-file family
from workflow.engine.trigger_data import _label, _problem  # the same field labels and reasons as the triggers'
from workflow.errors import BadData, Problem

Method = Literal["yes_no", "level", "rate"]
PointsIn = Field(ge=0, le=1000, decimal_places=2, title=N_("Points"))


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LevelIn(_Part):
    label: str = Field(min_length=1, max_length=500, title=N_("Label"))
    points: Decimal = PointsIn


class RateBandIn(_Part):
    min: Decimal = Field(ge=0, le=100, decimal_places=2, title=N_("From (%)"))
    points: Decimal = PointsIn


class NodeIn(_Part):
    code: str = Field(min_length=1, max_length=20, title=N_("Code"))
    title: str = Field(min_length=1, max_length=2000, title=N_("Title"))
    max_points: Decimal = Field(gt=0, le=1000, decimal_places=2, title=N_("Maximum points"))
    method: Method | None = Field(None, title=N_("Scoring method"))
    levels: list[LevelIn] = Field(default_factory=list, title=N_("Levels"))
    rate_bands: list[RateBandIn] = Field(default_factory=list, title=N_("Rate bands"))
    evidence: bool = Field(False, title=N_("Evidence required"))
    section: str | None = Field(None, max_length=20, title=N_("Outline section"))
    guidance: str | None = Field(None, max_length=4000, title=N_("Guidance"))

    def children(self) -> list["NodeIn"]:
        return []

    @model_validator(mode="after")
    def _scored_consistently(self) -> "NodeIn":
        children = self.children()
        if children:
            if self.method is not None:
                raise ValueError(str(_("{code} has sub-items, which are scored; leave out its scoring method", code=self.code)))
            reachable = sum((child.max_points for child in children), Decimal(0))
            if self.max_points > reachable:
                raise ValueError(str(_("{code}: the maximum ({points}) is more than its sub-items together ({reachable})",
                                       code=self.code, points=self.max_points, reachable=reachable)))
            return self
        if self.method is None:
            raise ValueError(str(_("{code} is scored itself: give its scoring method (yes_no, level or rate)", code=self.code)))
        if self.method != "level" and self.levels or self.method != "rate" and self.rate_bands:
            raise ValueError(str(_("{code}: levels go with the method level, rate bands with the method rate", code=self.code)))
        if self.method == "level" and len(self.levels) < 2:
            raise ValueError(str(_("{code}: a criterion scored by level needs at least two levels", code=self.code)))
        if self.method == "rate" and not self.rate_bands:
            raise ValueError(str(_("{code}: a criterion scored by a rate needs its rate bands", code=self.code)))
        if len({band.min for band in self.rate_bands}) != len(self.rate_bands):
            raise ValueError(str(_("{code}: two rate bands start at the same rate", code=self.code)))
        over = [option.points for option in [*self.levels, *self.rate_bands] if option.points > self.max_points]
        if over:
            raise ValueError(str(_("{code}: {points} points is more than the maximum ({max})", code=self.code, points=over[0], max=self.max_points)))
        return self


class SubCriterionIn(NodeIn):
    pass


class CriterionIn(NodeIn):
    subcriteria: list[SubCriterionIn] = Field(default_factory=list, title=N_("Sub-criteria"))

    def children(self) -> list[NodeIn]:
        return list(self.subcriteria)


class FieldIn(NodeIn):
    criteria: list[CriterionIn] = Field(min_length=1, title=N_("Criteria"))

    def children(self) -> list[NodeIn]:
        return list(self.criteria)


class BandIn(_Part):
    label: str = Field(min_length=1, max_length=50, title=N_("Ranking"))
    min_percent: Decimal = Field(ge=0, le=100, decimal_places=2, title=N_("From (% of the maximum)"))


class CriteriaFile(_Part):
    title: str = Field(min_length=1, max_length=300, title=N_("Title"))
    unit_kind: Literal["office", "commune"] = Field(title=N_("Kind of unit"))
    sample: bool = Field(False, title=N_("Sample"))
    note: str | None = Field(None, max_length=4000, title=N_("Note"))
    bands: list[BandIn] = Field(min_length=1, title=N_("Ranking bands"))
    fields: list[FieldIn] = Field(min_length=1, title=N_("Fields"))

    @model_validator(mode="after")
    def _whole(self) -> "CriteriaFile":
        codes = [node.code for node in self.nodes()]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise ValueError(str(_("codes used twice: {codes}", codes=", ".join(twice))))
        floors = [band.min_percent for band in self.bands]
        if floors != sorted(floors, reverse=True) or len(set(floors)) != len(floors) or floors[-1] != 0:
            raise ValueError(str(_("the ranking bands go from the highest down, each from its own percentage, the last from 0")))
        return self

    def nodes(self) -> list[NodeIn]:
        """Every field, criterion and sub-criterion, in the file's order."""
        return [node for _loc, _depth, node, _parent in self.walk()]

    def walk(self) -> Iterator[tuple[tuple[Any, ...], int, NodeIn, NodeIn | None]]:
        """``(loc, depth, node, parent)`` of every node in the file's order; ``loc`` as pydantic
        names it (``("fields", 0, "criteria", 2)``)."""
        children_key = {0: "criteria", 1: "subcriteria"}

        def visit(loc: tuple[Any, ...], depth: int, node: NodeIn, parent: NodeIn | None):
            yield loc, depth, node, parent
            for position, child in enumerate(node.children()):
                yield from visit((*loc, children_key[depth], position), depth + 1, child, node)

        for position, field in enumerate(self.fields):
            yield from visit(("fields", position), 0, field, None)


# --- where each key is -------------------------------------------------------------------------

def located(text: str, loc: tuple[Any, ...], problem: str) -> Problem:
    """``problem`` about the field at ``loc`` of the file ``text``, with its line."""
    line = line_of(key_lines(text), loc) or 1
    return Problem(_("Line {line}: {problem}", line=line, problem=problem), ".".join(map(str, loc)) or None)


def _problems(error: ValidationError, text: str) -> list[Problem]:
    problems = []
    for detail in error.errors():
        loc = tuple(detail["loc"])
        if detail["type"] == "value_error":
            label = _label(CriteriaFile, loc) if loc else str(_("The file"))
            problem = f"{label}: {detail['msg'].removeprefix('Value error, ')}"
        else:
            problem = str(_problem(CriteriaFile, detail).text)
        problems.append(located(text, loc, problem))
    return problems


def parse_criteria(text: str) -> CriteriaFile:
    """The criteria file ``text``, or :class:`BadData` with every problem (field and line)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, detail = toml_error(error)
        raise BadData(_("Line {line}: this is not valid TOML ({detail})", line=line or len(text.splitlines()) or 1, detail=detail), field="file") from None
    try:
        return CriteriaFile.model_validate(data)
    except ValidationError as error:
        raise BadData(_problems(error, text)) from None


def _plain(value: Any) -> Any:
    """Decimals as TOML numbers (whole ones as integers), empty values left out."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if not (item is None or item == [] or item is False) or key == "sample"}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def dump_criteria(criteria: CriteriaFile, header: str | None = None) -> str:
    """The set as TOML, ready to be imported again; ``header`` becomes comment lines at the top."""
    return toml_comments(header) + tomli_w.dumps(_plain(criteria.model_dump()))
