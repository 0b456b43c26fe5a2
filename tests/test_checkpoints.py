"""Checkpoints as the commands and the scheduler make them: on demand, at every sweep, by mail to
the auditors; and a log checked against the copy an auditor kept."""
from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select, text

from documents.cells import keep_as_text, text_cell
from jobs.scheduler import Scheduler
from jobs.settings import JobSettings
from models import OutboxMessage
from tests.conftest import ROLE_USERS


def _run(app, *args: str):
    with app.app_context():  # as `flask --app wsgi` runs them
        return app.test_cli_runner().invoke(args=list(args))


def test_checkpoints_on_demand_at_each_sweep_and_by_mail(app, tmp_path):
    store = app.extensions["checkpoints"]
    made = _run(app, "audit", "checkpoint")
    assert made.exit_code == 0 and "Checkpoint no. 1" in made.output or "Mốc kiểm chứng số 1" in made.output, made.output
    checked = _run(app, "audit", "verify")
    assert checked.exit_code == 0 and "số 1" in checked.output

    scheduler = Scheduler(app.extensions["database"], JobSettings(), checkpoints=store)
    assert scheduler.run_sweep().endswith("checkpoint 2")

    mailed = _run(app, "jobs", "digest", "--now", "2023-07-20T07:00")
    assert mailed.exit_code == 0, mailed.output
    with app.extensions["database"].session() as session:
        mail = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == ROLE_USERS["auditor"][0]))
    assert mail is not None and "audit verify --against" in mail.body
    kept = tmp_path / "kiem-toan.json"
    kept.write_text(mail.body.split("-----\n")[1])
    assert [path.name for path in store.files()] == ["checkpoint-00000001.json", "checkpoint-00000002.json", "checkpoint-00000003.json"]

    with app.extensions["database"].session() as session:  # someone with the database removes a case's history
        session.execute(text("DROP TRIGGER audit_entry_no_delete"))
        session.execute(text("DELETE FROM audit_entry WHERE entity = 'inspection' AND entity_id = 7"))
        session.execute(text("UPDATE inspection SET audit_seq = 0, audit_head = :g WHERE id = 7"), {"g": "0" * 64})
        session.commit()
    for path in store.files():  # …and the checkpoint files
        path.unlink()
    refused = _run(app, "audit", "verify", "--against", str(kept))
    assert refused.exit_code == 1 and "hồ sơ #7" in refused.output and "đã bị xóa" in refused.output, refused.output


def test_audit_verify_names_a_case_closed_behind_the_log_s_back(app):
    """Issue 28: ``UPDATE inspection SET state = 'closed'`` with no entry made ``audit verify`` exit 0."""
    with app.extensions["database"].session() as session:
        session.execute(text("UPDATE inspection SET state = 'closed' WHERE id = 7"))
        session.commit()
    refused = _run(app, "audit", "verify")
    assert refused.exit_code == 1 and "hồ sơ #7: trạng thái trong CSDL là 'closed' nhưng nhật ký ghi 'planned'" in refused.output, refused.output


def test_spreadsheet_cells_that_would_be_formulas_stay_text():
    assert [text_cell(v) for v in ("=1+1", "+cmd", "-2", "@A1", "\t=1", "\r=1", "1-2", 5)] == ["'=1+1", "'+cmd", "'-2", "'@A1", "'\t=1", "'\r=1", "1-2", 5]
    workbook = openpyxl.Workbook()
    workbook.active.append(["=HYPERLINK(\"http://x\")", "an toàn"])
    for cell in workbook.active[1]:
        keep_as_text(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    cell = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"
