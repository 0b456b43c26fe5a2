"""What a Vietnamese civil servant reads around the workflow: times in TIMEZONE, numbers with a
decimal comma, labels instead of stored values, a link to the case in the e-mail, the CLI's help
in Vietnamese and close unit names when a name is mistyped."""
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from jobs.sweep import sweep
from models import Alert, AuditEntry, OutboxMessage, User
from tests.conftest import VN
from tests.people import add_people
from tests.web import login
from vocabulary.i18n import _, format_size, use_locale
from vocabulary.roles import actor_label
from workflow.engine.service import fire
from workflow.people.permissions import Actor

SWEPT = datetime(2023, 7, 18, 8, tzinfo=VN)  # 01:00 UTC


def test_sizes_and_numbers_use_the_languages_decimal_mark():
    assert (format_size(600), format_size(20 * 1024 * 1024), format_size(1536 * 1024)) == ("0,6 KB", "20 MB", "1,5 MB")
    assert str(_("{name}: the file is larger than the limit of {limit} MB.", name="a.pdf", limit=20.0)) == \
        "a.pdf: tệp lớn hơn giới hạn 20 MB."
    with use_locale("en"):
        assert format_size(600) == "0.6 KB"


def test_actors_are_named_in_words():
    assert actor_label("seed:tuky-2023") == "Nạp kế hoạch tuky-2023"
    assert actor_label("cli:root") == "Dòng lệnh (root)"
    assert actor_label("system") == "Hệ thống (tự động)"
    assert actor_label("lan@tuky.gov.vn") == "lan@tuky.gov.vn"


def test_the_outbox_and_the_users_show_vietnam_time_and_the_mail_links_to_its_case(app):
    database = app.extensions["database"]
    with database.session() as session:
        sweep(session, SWEPT, mail_domain="tuky.local", base_url="http://127.0.0.1:5000/")
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.alert_id.is_not(None)).order_by(OutboxMessage.id)).first()
        message_id, case_id = message.id, session.get(Alert, message.alert_id).inspection_id
        assert f"Xem hồ sơ: http://127.0.0.1:5000/admin/inspection/details/?id={case_id}" in message.body
        session.execute(update(User).where(User.email == "leader@tuky.local")
                        .values(last_login_at=datetime(2023, 7, 18, 17, 30, tzinfo=timezone.utc)))
        session.commit()
    client = app.test_client()
    login(client, "coordinator")
    listing = client.get("/admin/outbox/").get_data(as_text=True)
    assert "18/07/2023 08:00" in listing and "2023-07-18" not in listing
    details = client.get(f"/admin/outbox/details/?id={message_id}").get_data(as_text=True)
    assert "18/07/2023 08:00" in details and "+00:00" not in details
    assert "class='mail-body'" in details and "<pre" not in details  # the page's font: marks stay on their letters
    users = client.get("/admin/user/").get_data(as_text=True)
    assert "19/07/2023 00:30" in users  # 17:30 UTC is half past midnight in Vietnam
    assert "Thao tác với mục đã chọn" in users and "Với lựa chọn" not in users  # our words over Flask-Admin's


def test_without_base_url_the_mail_has_no_link(db):
    add_people(db)
    with db.session() as session:
        sweep(session, SWEPT, mail_domain="tuky.local")
        bodies = list(session.scalars(select(OutboxMessage.body)))
    assert bodies and not any("http" in body or "Xem hồ sơ" in body for body in bodies)


def test_stored_values_are_shown_as_labels(app):
    with app.extensions["database"].session() as session:
        fire(session, 1, "notify", Actor("cli:root", "admin"), datetime(2023, 7, 17, 9, tzinfo=VN),
             notice_date="2023-07-17", notice_number="01/TB-UBND")
    client = app.test_client()
    login(client, "coordinator")
    campaigns = client.get("/admin/campaign/").get_data(as_text=True)
    assert ">calendar<" not in campaigns  # the list shows the campaign's status, not its raw settings
    sections = client.get("/admin/outline_section/").get_data(as_text=True)
    assert "Cơ quan chuyên môn" in sections and ">office<" not in sections
    case = client.get("/admin/inspection/details/?id=1").get_data(as_text=True)
    assert "Phiên bản" not in case and "Dòng lệnh (root)" in case
    log = client.get("/admin/audit/").get_data(as_text=True)
    assert "Nạp kế hoạch tuky-2023" in log and "seed:tuky-2023" not in log
    with app.extensions["database"].session() as session:
        entry_id = session.scalar(select(AuditEntry.id).where(AuditEntry.trigger == "notify"))
    entry = client.get(f"/admin/audit/details/?id={entry_id}").get_data(as_text=True)
    assert "<dt>Số thông báo</dt><dd>01/TB-UBND</dd>" in entry and "<dt>Ngày thông báo</dt><dd>17/07/2023</dd>" in entry
    assert "<dt>Sổ đăng ký văn bản</dt>" in entry and ":00:00</dd>" not in entry  # times as HH:MM
    assert "notice_date" not in entry


def test_the_audit_logs_time_range_is_typed_as_dd_mm_yyyy_in_vietnam_time(app):
    client = app.test_client()
    login(client, "auditor")

    def count(value: str) -> str:
        page = client.get("/admin/audit/?flt0_0=" + quote(value)).get_data(as_text=True)
        return "0" if "Không có mục nào trong bảng." in page else page.split("Danh sách (", 1)[1].split(")", 1)[0]

    with app.extensions["database"].session() as session:
        first = session.scalar(select(AuditEntry.at).order_by(AuditEntry.id))
    minute = timedelta(minutes=1)

    def around(moment: datetime) -> str:
        return f"{moment - minute:%d/%m/%Y %H:%M} – {moment + minute:%d/%m/%Y %H:%M}"

    assert count(around(first.astimezone(VN))) != "0"  # typed in Vietnam time, it finds the entry
    assert count(around(first.replace(tzinfo=None))) == "0"  # the UTC clock reading is 7 hours off
    everything = count("01/01/2000 00:00 – 31/12/2099 23:59")
    assert int(everything) > 50 and count("2000-01-01 00:00:00 to 2099-12-31 23:59:59") == everything


def test_the_favicon_is_served(app):
    client = app.test_client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"
    login(client, "coordinator")
    assert 'rel="icon"' in client.get("/admin/").get_data(as_text=True)


def test_the_cli_names_the_close_units_and_prints_labels(cli):
    refused = cli("users", "create", "lan@daison.local", "--role", "unit", "--unit", "Dai Son", check=False)
    assert refused.returncode != 0 and "“UBND xã Đại Sơn”" in refused.stderr and "tên gần giống" in refused.stderr
    cli("inspections", "fire", "1", "notify", "--at", "2023-07-17T09:00", "--set", "notice_date=2023-07-17",
        "--set", "notice_number=01/TB-UBND")
    register = cli("documents", "register", "--year", "2023").stdout
    assert "Thông báo lịch kiểm tra (từng đơn vị)" in register and "Dòng lệnh (" in register
    assert " notice " not in register

