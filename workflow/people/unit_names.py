"""A unit by the name a person types: the one lookup behind every ``--unit`` of the command line,
the user accounts and the opening of cases (workflow.campaigns)."""
from __future__ import annotations

import difflib
import unicodedata
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Unit
from vocabulary.i18n import _
from workflow.errors import BadData

CLOSE_NAMES = 5


def name_key(name: str) -> str:
    """The name with case, spacing and Unicode form aside: "ubnd xã  Đại Sơn" → "ubnd xã đại sơn"."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def plain(text: str) -> str:
    """Lower case without diacritics ("Đại Sơn" → "dai son"): people often type names without marks."""
    decomposed = unicodedata.normalize("NFD", name_key(text).replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def is_current(unit: Unit, day: date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


def close_unit_names(names: list[str], wanted: str, limit: int = CLOSE_NAMES) -> list[str]:
    """The names nearest to ``wanted``, diacritics and case aside: those containing it first
    ("Đại Sơn" → "UBND xã Đại Sơn", "UBND xã Đại Sơn Mới"), then the similar ones (difflib)."""
    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(plain(name), name)
    key = plain(wanted)
    containing = [name for fold, name in folded.items() if key and key in fold]
    similar = [folded[fold] for fold in difflib.get_close_matches(key, list(folded), n=limit, cutoff=0.6)]
    return list(dict.fromkeys(containing + similar))[:limit]


def unit_named(session: Session, name: str, *, day: date | None = None, field: str = "unit") -> Unit:
    """The unit called ``name`` (case, spacing and Unicode form aside), or a refusal naming the
    closest units — among those that exist on ``day`` when a day is given (a unit merged away
    is not offered for a new case)."""
    wanted = name_key(name)
    units = session.scalars(select(Unit)).all()
    for unit in units:
        if name_key(unit.name) == wanted:
            return unit
    offered = [unit.name for unit in units if day is None or is_current(unit, day)]
    close = close_unit_names(offered, name)
    if close:
        raise BadData(_("Unit: there is no unit named \u201c{name}\u201d; the closest: {names}.", name=name.strip(),
                        names=", ".join(f"\u201c{n}\u201d" for n in close)), field=field)
    raise BadData(_("Unit: there is no unit named \u201c{name}\u201d.", name=name.strip()), field=field)
