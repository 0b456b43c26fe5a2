"""The limits every input is held to, in one place: every parser (CLI, API, forms, trigger data)
asks here, so a value refused by one entry point is refused by all of them.

* Dates: the campaigns this system runs lie between 2000 and 2100; a date outside is a typo (or an
  attack on the date arithmetic), never a plan.
* Ids: what both databases can hold — PostgreSQL's ``integer`` is 32 bits, so anything above
  2^31 - 1 (or below 1) names no row, and is answered "not found" without asking the database.
  A number is ASCII digits only: ``str.isdigit`` and ``int`` also take full-width (``１２``) and
  other Unicode digits, and ``"²".isdigit()`` holds while ``int("²")`` fails.
* Text: no NUL or other control character (PostgreSQL refuses NUL outright; SQLite would store it),
  tabs and line breaks apart; bidirectional controls, which make a name read differently from
  what it is, are removed from names.
* JSON: a body of at most ``MAX_JSON_BYTES`` nested at most ``MAX_JSON_DEPTH`` deep.
"""
from __future__ import annotations

import re
from datetime import date, datetime

EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)

MAX_ID = 2**31 - 1
MAX_OFFSET = 2**31 - 1

# A URL (path and query, as sent): longer is answered 414 by the app, below gunicorn's own limit
# of the request line (8190 with the --limit-request-line the docs give), which answers in HTML.
MAX_URL_BYTES = 4000

MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 20

# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embedding, override and isolate controls, and the directional marks.
BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def date_in_range(value: date) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def id_in_range(value: int) -> bool:
    return 1 <= value <= MAX_ID


def is_digits(text: str) -> bool:
    """Whether ``text`` is a whole number written in ASCII digits (and nothing else)."""
    return text.isascii() and text.isdigit()


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def strip_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def json_too_deep(text: str | bytes) -> bool:
    """Whether raw JSON nests deeper than ``MAX_JSON_DEPTH``, judged from its brackets before
    parsing (a parser recursing into 100,000 brackets is the attack)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False
