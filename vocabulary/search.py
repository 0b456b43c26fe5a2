"""Text as a search compares it: Vietnamese without its diacritics, in lower case, so that
"tan ky" finds "Tân Kỳ" and "dai son" finds "Đại Sơn" on SQLite and PostgreSQL alike (neither
database folds Vietnamese by itself: SQLite's LIKE folds ASCII only, PostgreSQL's ``unaccent``
is an extension). The folded text is stored beside the name it comes from, with an index."""
from __future__ import annotations

import unicodedata

# Letters that are not a base letter plus a combining mark, so NFD leaves them whole.
_BASE_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str | None) -> str:
    """``text`` without diacritics, case-folded, its runs of white space made one space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_BASE_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape character ``\\``) matching folded text that contains ``text``."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
