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


GLOSSARY = PROJECT_DIR / "docs" / "GLOSSARY.md"


def glossary_rows() -> list[tuple[str, list[str], list[str]]]:
    """(term, message ids, words not to use) of each row of the glossary's tables."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("**"):
            continue
        term = cells[0].strip("*")
        msgids = re.findall(r'`"(.+?)"`', cells[1])
        rows.append((term, msgids, re.findall(r"“(.+?)”", cells[3])))
    return rows


def vietnamese_catalogs() -> dict[str, dict[str, str]]:
    """Every translation a user reads, by catalog: ours, Flask-Admin's with our corrections, WTForms'."""
    from io import BytesIO
    from pathlib import Path

    from babel.messages.mofile import read_mo

    from vocabulary.i18n import compile_po
    from web.i18n import FLASK_ADMIN_PO

    ours = TRANSLATIONS_DIR / "vi" / "LC_MESSAGES"
    sources = {"messages": [ours / "messages.po"], "wtforms": [ours / "wtforms.po"],
               "admin": [Path(str(FLASK_ADMIN_PO).format(locale="vi")), ours / "admin.po"]}
    catalogs = {}
    for name, paths in sources.items():
        compiled = read_mo(BytesIO(compile_po(*paths)))
        catalogs[name] = {(m.id if isinstance(m.id, str) else m.id[0]): (m.string if isinstance(m.string, str) else m.string[0])
                          for m in compiled if m.id}
    return catalogs


def test_the_catalog_follows_the_glossary():
    rows = glossary_rows()
    assert len(rows) > 40, "the glossary's tables were not found"
    catalogs = vietnamese_catalogs()
    ours = catalogs["messages"]
    for term, msgids, _avoid in rows:
        alternatives = [part.strip().casefold() for part in term.split("/")]
        for msgid in msgids:
            assert msgid in ours, f"glossary names {msgid!r}, which is not a message id"
            assert any(a in ours[msgid].casefold() for a in alternatives), f"{msgid!r} → {ours[msgid]!r}, the glossary says {term!r}"
    avoided = [word for _term, _msgids, avoid in rows for word in avoid]
    assert {"Kiểm toán viên", "Thôi, quay lại", "Gửi không được", "Với lựa chọn", "Báo cáo cấp trên"} <= set(avoided)
    for name, catalog in catalogs.items():
        for msgid, text in catalog.items():
            shown = re.sub(r"\{\w+\}", "", text)  # a placeholder ({office}) is not a word the user reads
            used = [word for word in avoided if word in shown]
            assert not used, f"{name}: {msgid!r} → {text!r} uses {used} (see docs/GLOSSARY.md)"


def test_the_issues_examples_read_as_a_vietnamese_office_writes_them():
    ours = vietnamese_catalogs()["messages"]
    assert ours["Cancelled"] == "Đã hủy" and ours["Cancel"] == "Hủy cuộc kiểm tra"
    assert ours["Escalated (level 2)"].casefold() in ours["Escalated to the leaders (level 2)"].casefold()
    assert "Hệ thống tự động" in ours["fired    {trigger} on case #{case} ({unit}) as the scheduler: re-inspection case #{new}"]
    assert ours["Report due"] == "Hạn gửi báo cáo" and ours["Send the report"] == "Gửi báo cáo"
    assert ours["Team decision number"] == "Số quyết định kiện toàn Đoàn kiểm tra"


def test_every_change_of_a_case_or_campaign_is_named_in_the_log():
    """The case page's history and the audit log name each action in words, never its code."""
    from vocabulary.states import ACTION_LABELS
    from workflow.casefile import case_edits

    assert set(case_edits.ACTION_LABELS) | {"signing_key"} <= set(ACTION_LABELS)
