"""Edits outside transitions, made in the admin: each leaves an audit entry with old and new
values; bad input gets a Vietnamese message and changes nothing; the bulk notice reports per case."""
import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from jobs.sweep import sweep
from models import Alert, AuditEntry, Campaign, Inspection, Unit
from models.db import write_transaction
from tests.conftest import VN
from tests.web import csrf_token, form_values, login
from workflow.audit import verify
from workflow.deadlines.counting import WorkCalendar
from workflow.engine.service import fire
from workflow.people.permissions import Actor


def last_entry(app, entity: str, entity_id: int) -> AuditEntry:
    with app.extensions["database"].session() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
                               .order_by(AuditEntry.seq.desc())).first()


def test_editing_a_unit_records_old_and_new_values(app):
    client = app.test_client()
    login(client, "coordinator")
    values = form_values(client.get("/admin/unit/edit/?id=1").get_data(as_text=True), "admin-form")
    values.update(contact_name="Nguyễn Thị Lan", contact_email="lan@tnmt.tuky.gov.vn")
    response = client.post("/admin/unit/edit/?id=1", data=values)
    assert response.status_code == 302
    entry = last_entry(app, "unit", 1)
    assert (entry.trigger, entry.actor) == ("edit", "coordinator@tuky.local")
    assert json.loads(entry.data_json)["changes"] == {
        "contact_email": {"old": None, "new": "lan@tnmt.tuky.gov.vn"},
        "contact_name": {"old": None, "new": "Nguyễn Thị Lan"},
    }
    with app.extensions["database"].session() as session:
        assert verify(session).ok


def test_a_bad_day_off_is_refused_in_vietnamese_and_changes_nothing(app):
    client = app.test_client()
    login(client, "admin")
    page = client.get("/admin/campaign/edit/?id=1").get_data(as_text=True)
    values = form_values(page, "admin-form")
    values["extra_days_off"] = "02/01/2026 Nghỉ Tết\n31/02/2026 sai"
    response = client.post("/admin/campaign/edit/?id=1", data=values)
    assert response.status_code == 200
    assert "dòng 2: “31/02/2026” không phải ngày dạng dd/mm/yyyy" in response.get_data(as_text=True)
    with app.extensions["database"].session() as session:
        assert session.get(Campaign, 1).extra_days_off == []
    values["extra_days_off"] = "02/01/2026 Nghỉ Tết Dương lịch"
    assert client.post("/admin/campaign/edit/?id=1", data=values).status_code == 302
    with app.extensions["database"].session() as session:
        assert session.get(Campaign, 1).extra_days_off == [{"date": "2026-01-02", "note": "Nghỉ Tết Dương lịch"}]
    changes = json.loads(last_entry(app, "campaign", 1).data_json)["changes"]
    assert changes == {"extra_days_off": {"old": [], "new": [{"date": "2026-01-02", "note": "Nghỉ Tết Dương lịch"}]}}


def test_correcting_a_case_is_audited_and_a_stale_form_is_refused(app):
    client = app.test_client()
    login(client, "coordinator")
    page = client.get("/admin/inspection/correct/1").get_data(as_text=True)
    values = form_values(page, "trigger-form")
    values.update(team="Trưởng đoàn: Phó Chủ tịch UBND huyện", visit_time="09:30", comment="Bổ sung thành phần đoàn")
    assert client.post("/admin/inspection/correct/1", data=values).status_code == 302
    entry = last_entry(app, "inspection", 1)
    assert entry.trigger == "correct" and entry.comment == "Bổ sung thành phần đoàn"
    assert json.loads(entry.data_json)["changes"] == {
        "team": {"old": None, "new": "Trưởng đoàn: Phó Chủ tịch UBND huyện"},
        "visit_time": {"old": "08:00:00", "new": "09:30:00"},
    }
    stale = client.post("/admin/inspection/correct/1", data={**values, "team": "khác"})  # same (old) version
    assert stale.status_code == 409 and "vừa được người khác thay đổi" in stale.get_data(as_text=True)
    bad = client.post("/admin/inspection/correct/1", data={**form_values(client.get("/admin/inspection/correct/1").get_data(as_text=True), "trigger-form"), "visit_time": "25:99"})
    assert bad.status_code == 422 and "Giờ không hợp lệ" in bad.get_data(as_text=True)


def test_the_bulk_notice_reports_per_case(app):
    """With notices numbered by the register (a campaign's choice; with the văn thư's numbers the
    bulk action cites the campaign's schedule notice), each selected case gets its own result."""
    database = app.extensions["database"]
    now = datetime.now(timezone.utc)
    visit = WorkCalendar().on_or_after(date.today() + timedelta(days=20))
    with database.session() as session, write_transaction(session):
        campaign = session.scalar(select(Campaign))
        campaign.numbering, campaign.window_end = {"TB": "own"}, visit  # a campaign running today
    with database.session() as session:
        fire(session, 3, "reschedule", Actor("setup", "admin"), now, visit_date=visit.isoformat())
    client = app.test_client()
    login(client, "coordinator")
    response = client.post("/admin/inspection/action/", data={"action": "notify", "rowid": ["3", "4"],
                                                               "csrf_token": csrf_token(client, "/admin/inspection/")},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Phòng Nông nghiệp và PTNT: đã ghi nhận thông báo lịch." in page
    assert "Thanh tra huyện: chưa gửi" in page and "ít nhất 10 ngày" in page
    with database.session() as session:
        assert session.get(Inspection, 3).state == "notified" and session.get(Inspection, 4).state == "planned"


def test_users_are_created_with_a_password_and_their_unit(app):
    client = app.test_client()
    login(client, "admin")
    values = form_values(client.get("/admin/user/new/").get_data(as_text=True), "admin-form")
    with app.extensions["database"].session() as session:
        unit_id = session.scalar(select(Unit.id).where(Unit.name == "UBND xã Đại Sơn"))
    values.update(email="VanThu@DaiSon.local", role="unit", unit=str(unit_id), new_password="")
    refused = client.post("/admin/user/new/", data=values)
    assert "tài khoản mới phải có mật khẩu" in refused.get_data(as_text=True)
    values["new_password"] = "mot-mat-khau-du-dai"
    assert client.post("/admin/user/new/", data=values).status_code == 302
    contact = app.test_client()
    response = contact.post("/login", data={"email": "vanthu@daison.local", "password": "mot-mat-khau-du-dai",
                                            "csrf_token": csrf_token(contact)})
    assert response.status_code == 302
    listing = contact.get("/admin/inspection/").get_data(as_text=True)
    assert "UBND xã Đại Sơn" in listing and "UBND xã Hưng Đạo" not in listing


def test_coordinators_acknowledge_alerts_and_see_the_mail(app):
    database = app.extensions["database"]
    with database.session() as session:
        sweep(session, datetime(2023, 7, 18, 8, tzinfo=VN), mail_domain="tuky.local")
        overdue = session.scalars(select(Alert).where(Alert.status == "open", Alert.level == 1).order_by(Alert.id)).first()
        overdue_id = overdue.id
    leader = app.test_client()
    login(leader, "leader")
    assert "Phòng Tài nguyên và Môi trường" in leader.get("/admin/alert/").get_data(as_text=True)
    leader.post("/admin/alert/action/", data={"action": "acknowledge", "rowid": [str(overdue_id)],
                                              "csrf_token": csrf_token(leader, "/admin/alert/")})
    with database.session() as session:
        assert session.get(Alert, overdue_id).status == "open"  # a leader only reads
    assert leader.get("/admin/outbox/").status_code == 403

    coordinator = app.test_client()
    login(coordinator, "coordinator")
    page = coordinator.post("/admin/alert/action/", data={"action": "acknowledge", "rowid": [str(overdue_id)],
                                                          "csrf_token": csrf_token(coordinator, "/admin/alert/")},
                            follow_redirects=True).get_data(as_text=True)
    assert f"Cảnh báo #{overdue_id}" in page
    with database.session() as session:
        alert = session.get(Alert, overdue_id)
        assert (alert.status, alert.acknowledged_by) == ("acknowledged", "coordinator@tuky.local")
        assert last_entry(app, "alert", overdue_id).trigger == "acknowledge"
    outbox = coordinator.get("/admin/outbox/").get_data(as_text=True)
    assert outbox.count("Chờ gửi") >= 10
    dashboard = coordinator.get("/admin/?as_of=2023-07-18").get_data(as_text=True)
    assert 'id="escalations"' in dashboard and "Quá hạn" in dashboard
