"""Which passwords a user may choose: long enough, not a common one, not the user's own name or
e-mail, not one character repeated nor a run like 1234567890 or abcdefghij.

The list of common passwords ships with the code (``common_passwords.txt``): nothing is fetched
at run time."""
from __future__ import annotations

import functools
import re
import string
import unicodedata
from pathlib import Path

from vocabulary.i18n import Text, _
from workflow.errors import BadData

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
# A part shorter than this is too common a syllable (Vietnamese names: "an", "thu") to refuse.
MIN_NAME_PART = 4
_RUNS = (string.digits, string.ascii_lowercase, "qwertyuiop", "asdfghjkl", "zxcvbnm")
_REPEATED = re.compile(r"(.{1,3})\1+")  # aaaaaaaaaa, ababababab, abcabcabcabc
_TRAILING = re.compile(r"[\d\W_]+$")
_PARTS = re.compile(r"[^\w]+|_")


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _is_run(text: str) -> bool:
    """One to three characters repeated, or a run up or down one of :data:`_RUNS` (``1234567890``,
    ``0987654321``, ``abcdefghij``, ``qwertyuiop``), wrapping around (``7890123456``)."""
    if _REPEATED.fullmatch(text):
        return True
    for run in _RUNS:
        for sequence in (run, run[::-1]):
            doubled = sequence * (len(text) // len(sequence) + 2)
            if text in doubled:
                return True
    return False


def _plain(text: str) -> str:
    """Lower case without diacritics, as a name is typed into a password (Nguyễn → nguyen)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _own_parts(email: str, name: str | None) -> set[str]:
    """What a password must not contain: the e-mail's local part and the name, whole (without
    separators) and each of their parts long enough to be more than a common syllable."""
    local, name = _plain(email.strip()).partition("@")[0], _plain(name or "")
    parts = {_PARTS.sub("", local), _PARTS.sub("", name), *_PARTS.split(local), *_PARTS.split(name)}
    return {part for part in parts if len(part) >= MIN_NAME_PART}


def password_problem(password: str, *, email: str, name: str | None = None) -> Text | None:
    """Why ``password`` may not be used by the user with this e-mail and name, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Password: must have at least {count} characters.", count=MIN_PASSWORD_LENGTH)
    lowered = password.lower()
    if _is_run(lowered):
        return _("Password: one character repeated or a simple run like 1234567890 is too easy to guess.")
    common = common_passwords()
    if lowered in common or _TRAILING.sub("", lowered) in common:
        return _("Password: this is one of the most common passwords; choose another.")
    squashed = _PARTS.sub("", _plain(password))
    if any(part in squashed for part in _own_parts(email, name)):
        return _("Password: must not contain your name or your e-mail address.")
    return None


def check_password(password: str, *, email: str, name: str | None = None) -> None:
    """Raise :class:`BadData` (field ``password``) with the reason, if the password is refused."""
    problem = password_problem(password, email=email, name=name)
    if problem is not None:
        raise BadData(problem, field="password")
