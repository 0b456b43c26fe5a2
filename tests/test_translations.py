"""Everything a user reads has its Vietnamese translation, with the same placeholders."""
import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from vocabulary.config import PROJECT_DIR
from vocabulary.i18n import TRANSLATIONS_DIR

METHODS = [("**/.venv/**", "ignore"), ("tests/**", "ignore"), ("bench/**", "ignore"),
           ("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "lazy_gettext": None, "say": None}


def code_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(PROJECT_DIR), METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return {m for m in found if m}


def test_every_message_has_a_vietnamese_translation():
    with open(TRANSLATIONS_DIR / "vi" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(code_messages() - set(translated))
    assert not missing, f"run `make messages` and translate: {missing}"
    placeholders = lambda text: sorted(re.findall(r"\{(\w+)\}", text))
    for msgid in code_messages():
        assert placeholders(msgid) == placeholders(translated[msgid]), msgid
