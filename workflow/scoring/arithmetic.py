"""The scoring arithmetic, on plain values: what an answer is worth, how parents add up their
children (capped at their own maximum), which band a total falls in."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping, Protocol, Sequence

from vocabulary.i18n import _
from workflow.errors import BadData

CENT = Decimal("0.01")


class Scored(Protocol):
    id: int
    code: str
    max_points: Decimal
    method: str | None
    levels: list[dict[str, Any]]
    rate_bands: list[dict[str, Any]]


def points(value: Decimal | float | str) -> Decimal:
    """A number of points, to the hundredth."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def worth(criterion: Scored, value: Decimal | None) -> Decimal | None:
    """The points an answer gives: yes (1) the maximum, no (0) nothing; a level its own points;
    a rate (in %) the points of the highest band it reaches, nothing below the lowest. Never
    more than the criterion's maximum. ``None`` (not answered) stays ``None``."""
    if value is None:
        return None
    maximum = points(criterion.max_points)
    if criterion.method == "yes_no":
        if value not in (0, 1):
            raise BadData(_("{code}: the answer is yes or no.", code=criterion.code), field=f"value-{criterion.id}")
        return maximum if value == 1 else points(0)
    if criterion.method == "level":
        index = int(value)
        if index != value or not 0 <= index < len(criterion.levels):
            raise BadData(_("{code}: choose one of the levels.", code=criterion.code), field=f"value-{criterion.id}")
        return min(points(criterion.levels[index]["points"]), maximum)
    if criterion.method == "rate":
        if not 0 <= value <= 100:
            raise BadData(_("{code}: a rate is between 0 and 100 (%).", code=criterion.code), field=f"value-{criterion.id}")
        reached = [points(band["points"]) for band in criterion.rate_bands if value >= Decimal(str(band["min"]))]
        return min(max(reached, default=points(0)), maximum)
    raise ValueError(f"{criterion.code} is not scored itself")


def roll_up(tree: Mapping[int | None, Sequence[Scored]], leaf_points: Mapping[int, Decimal | None]) -> dict[int, Decimal | None]:
    """Points of every node: a leaf's own, a parent's the sum of its children capped at its
    maximum. ``tree`` maps a parent id (None: the top) to its children. A node with an
    unanswered leaf below it has ``None``."""
    result: dict[int, Decimal | None] = {}

    def total(node: Scored) -> Decimal | None:
        children = tree.get(node.id, ())
        if not children:
            value = leaf_points.get(node.id)
        else:
            parts = [total(child) for child in children]
            value = None if any(part is None for part in parts) else min(sum(parts, points(0)), points(node.max_points))
        result[node.id] = value
        return value

    for top in tree.get(None, ()):
        total(top)
    return result


def band_of(total: Decimal | None, maximum: Decimal, bands: Iterable[Mapping[str, Any]]) -> str | None:
    """The ranking band of ``total`` out of ``maximum``: the first band (highest first) whose
    lower bound in % of the maximum it reaches."""
    if total is None or not maximum:
        return None
    percent = Decimal(total) * 100 / Decimal(maximum)
    for band in bands:
        if percent >= Decimal(str(band["min_percent"])):
            return str(band["label"])
    return None
