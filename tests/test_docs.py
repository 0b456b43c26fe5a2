"""The docs say what the code does: the trigger table of docs/cli.md is the triggers' own schemas."""
from __future__ import annotations

from vocabulary.config import PROJECT_DIR
from vocabulary.i18n import use_locale
from vocabulary.states import trigger_label
from workflow.engine.trigger_data import SCHEMAS

CLI_DOC = PROJECT_DIR / "docs" / "cli.md"


def trigger_table() -> str:
    """The table as docs/cli.md must hold it: every trigger, its Vietnamese label, its data keys."""
    rows = ["| trigger | nút trên trang hồ sơ | data keys (`--set key=value`, the API's `data`) |", "|---|---|---|"]
    with use_locale("vi"):
        for trigger, schema in SCHEMAS.items():
            keys = ", ".join(f"`{name}`" for name in schema.model_fields if name != "comment")
            rows.append(f"| `{trigger}` | {trigger_label(trigger)} | {keys or '—'} |")
    return "\n".join(rows)


def test_the_trigger_table_is_the_schemas():
    table = trigger_table()
    assert table in CLI_DOC.read_text(encoding="utf-8"), f"docs/cli.md: paste this table under \u201cTriggers\u201d:\n{table}"
