"""Campaigns in the admin through Flask's test client: who may plan them, and the refusals of the
planning steps (shown next to their field, nothing changed)."""
from __future__ import annotations

import re
from io import BytesIO

import openpyxl
from sqlalchemy import func, select

from models import AuditEntry, Campaign, Inspection, Unit
from tests.web import csrf_token, form_values, login

ROLES = ["admin", "coordinator", "inspector", "leader", "auditor", "unit"]
MANAGERS = {"admin", "coordinator"}
PAGES = ["/admin/campaign/", "/admin/campaign/draft/", "/admin/campaign/details/?id=1", "/admin/inspection/open/",
         "/admin/unit/history/1", "/admin/unit/change/1/rename"]


def _session(app):
    return app.extensions["database"].session()


def new_draft(client, year: int = 2027) -> int:
    """"Tạo đợt kiểm tra mới" as a copy of 2023; the id of the draft."""
    values = form_values(client.get("/admin/campaign/draft/").get_data(as_text=True), "new-campaign-form")
    values.update(year=str(year), code=f"tuky-{year}")
    response = client.post("/admin/campaign/draft/", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return int(re.search(r"/plan/(\d+)/settings", response.headers["Location"])[1])


def refusals(response) -> dict[str, str]:
    return dict(re.findall(r'class="field-refusal[^"]*" data-field="([^"]+)">([^<]*)<', response.get_data(as_text=True)))


def test_only_coordinators_and_admins_plan_campaigns(app):
    for role in ROLES:
        client = app.test_client()
        login(client, role)
        for path in PAGES:
            assert client.get(path).status_code == (200 if role in MANAGERS else 403), (role, path)
        if role in ("coordinator", "inspector", "unit"):
            cases = client.get("/admin/inspection/").get_data(as_text=True)
            assert ('id="open-inspection"' in cases) == (role in MANAGERS)
            assert ('href="/admin/campaign/"' in cases) == (role in MANAGERS)
            assert ("Phòng Giáo dục và Đào tạo" in cases) == (role != "unit")  # a unit contact: its own cases only
        if role not in MANAGERS:
            token = csrf_token(client, "/admin/inspection/details/?id=1")
            assert client.post("/admin/campaign/draft/", data={"csrf_token": token, "source": "tuky-2023", "year": "2027",
                                                             "code": "tuky-2027"}).status_code == 403
    with _session(app) as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_a_bad_date_in_the_settings_is_refused_next_to_its_field(app):
    client = app.test_client()
    login(client, "coordinator")
    draft = new_draft(client)
    path = f"/admin/campaign/plan/{draft}/settings"
    values = form_values(client.get(path).get_data(as_text=True), "settings-form")
    assert values["window_start"] == "01/07/2027" and values["code"] == "tuky-2027"
    values["window_end"] = "31/02/2027"
    response = client.post(path, data=values)
    assert response.status_code == 422
    assert "window_end" in refusals(response)
    with _session(app) as session:
        assert session.get(Campaign, draft).window_end.isoformat() == "2027-08-31"


def test_an_empty_unit_list_is_refused(app):
    client = app.test_client()
    login(client, "coordinator")
    draft = new_draft(client)
    token = csrf_token(client, f"/admin/campaign/plan/{draft}/units")
    response = client.post(f"/admin/campaign/plan/{draft}/units", data={"csrf_token": token})  # every unit "not inspected"
    assert response.status_code == 422 and 'id="refusal-units"' in response.get_data(as_text=True)
    with _session(app) as session:
        assert session.get(Campaign, draft).status == "draft"
        assert session.scalar(select(func.count()).select_from(Inspection).where(Inspection.campaign_id == draft)) == 0


def _upload(client, path: str, book: openpyxl.Workbook, **fields):
    data = BytesIO()
    book.save(data)
    data.seek(0)
    return client.post(path, data={"csrf_token": csrf_token(client, path), **fields, "table": (data, "bang.xlsx")},
                       content_type="multipart/form-data")


def test_the_units_go_to_excel_and_back(app):
    client = app.test_client()
    login(client, "coordinator")
    draft = new_draft(client)
    download = client.get(f"/admin/campaign/table/{draft}/units.xlsx")
    assert download.status_code == 200
    book = openpyxl.load_workbook(BytesIO(download.data))
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == ["Số", "Đơn vị", "Tên đầy đủ", "Loại", "Hình thức kiểm tra"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["UBND xã Hà Kỳ"][4].value == "Kiểm tra trực tiếp"
    rows["UBND xã Hà Kỳ"][4].value = "Kiểm tra miệng"
    rows["UBND xã Đại Sơn"][1].value = "UBND xã Không Có"
    response = _upload(client, f"/admin/campaign/plan/{draft}/units", book)
    assert response.status_code == 422
    message = refusals(response)["table"]
    assert "cột E" in message and "Kiểm tra miệng" in message and "cột B" in message and "UBND xã Không Có" in message
    with _session(app) as session:
        assert len(session.get(Campaign, draft).units) == 35  # nothing changed
    rows["UBND xã Hà Kỳ"][4].value = None
    rows["UBND xã Đại Sơn"][1].value = "UBND xã Đại Sơn"
    assert _upload(client, f"/admin/campaign/plan/{draft}/units", book).status_code == 302
    with _session(app) as session:
        names = [line.unit_name for line in session.get(Campaign, draft).units]
        assert len(names) == 34 and "UBND xã Hà Kỳ" not in names


def test_a_bad_cell_of_the_schedule_is_refused_next_to_it(app):
    client = app.test_client()
    login(client, "coordinator")
    draft = new_draft(client)
    path = f"/admin/campaign/plan/{draft}/schedule"
    values = form_values(client.get(path).get_data(as_text=True), "proposal-form")
    assert client.post(path, data=values).status_code == 302  # the proposal
    values = form_values(client.get(path).get_data(as_text=True), "schedule-form")
    first = next(name for name in values if name.startswith("date-"))
    assert re.fullmatch(r"\d\d/\d\d/2027", values[first])
    unit_id = first.removeprefix("date-")
    values[first] = "32/07/2027"
    response = client.post(path, data=values)
    assert response.status_code == 422 and "32/07/2027" in refusals(response)[f"visit_date-{unit_id}"]
    values[first] = "15/09/2027"  # after the window
    response = client.post(path, data=values)
    assert response.status_code == 422 and f"visit_date-{unit_id}" in refusals(response)
    with _session(app) as session:
        line = next(line for line in session.get(Campaign, draft).units if line.unit_id == int(unit_id))
        assert line.visit_date.year == 2027 and line.visit_date.month in (7, 8)


def test_opening_a_case_outside_the_plan(app):
    client = app.test_client()
    login(client, "coordinator")
    path = "/admin/inspection/open/"
    values = form_values(client.get(path).get_data(as_text=True), "open-form")
    values.update(unit="UBND xã Hà Kỳ", kind="self", visit_date="20/07/2023", reason="Bổ sung")
    response = client.post(path, data=values)
    assert response.status_code == 422 and "visit_date" in refusals(response)
    values.update(kind="surprise", visit_date="", reason="Phản ánh của người dân")
    response = client.post(path, data=values)
    assert response.status_code == 302
    case_id = int(re.search(r"id=(\d+)", response.headers["Location"])[1])
    with _session(app) as session:
        case = session.get(Inspection, case_id)
        assert (case.kind, case.unit_name, case.state) == ("surprise", "UBND xã Hà Kỳ", "planned")
        first = session.scalars(select(AuditEntry).where(AuditEntry.entity == "inspection", AuditEntry.entity_id == case_id)
                                .order_by(AuditEntry.seq)).first()
        assert (first.trigger, first.actor, first.comment) == ("create", "coordinator@tuky.local", "Phản ánh của người dân")
    visit = client.get(f"/admin/inspection/fire/{case_id}/visit").get_data(as_text=True)
    assert "Phóng viên Đài Phát thanh huyện Tứ Kỳ được mời" in visit


def test_renaming_a_unit_leaves_the_earlier_cases_their_name(app):
    client = app.test_client()
    login(client, "coordinator")
    with _session(app) as session:
        unit = session.scalar(select(Unit).where(Unit.name == "Phòng Y tế"))
    path = f"/admin/unit/change/{unit.id}/rename"
    values = form_values(client.get(path).get_data(as_text=True), "unit-change-form")
    values.update(new_name="Phòng Y tế và Dân số", effective_date="01/03/2025", note="Quyết định số 12/QĐ-UBND")
    assert client.post(path, data=values).status_code == 302
    page = client.get(f"/admin/unit/history/{unit.id}").get_data(as_text=True)
    assert "Phòng Y tế và Dân số" in page and "Đổi tên" in page and "01/03/2025" in page
    with _session(app) as session:
        assert session.get(Unit, unit.id).name == "Phòng Y tế và Dân số"
        assert session.scalar(select(Inspection.unit_name).where(Inspection.unit_id == unit.id)) == "Phòng Y tế"
    values.update(new_name="Phòng Giáo dục và Đào tạo")  # taken
    response = client.post(path, data=values)
    assert response.status_code >= 400 and ("new_name" in refusals(response) or 'id="refusal"' in response.get_data(as_text=True))


def test_a_blank_campaign_starts_from_the_plan_files_defaults(app):
    client = app.test_client()
    login(client, "coordinator")
    values = form_values(client.get("/admin/campaign/draft/").get_data(as_text=True), "new-campaign-form")
    values.update(source="", year="2026", code="xa-moi-2026", issuer="Ủy ban nhân dân xã Hà Tây", issuer_level="xa", place="Hà Tây",
                  window_start="30/10/2026", window_end="01/09/2026")
    response = client.post("/admin/campaign/draft/", data=values)  # the window ends before it starts
    assert response.status_code == 422 and "window_end" in refusals(response)
    values.update(window_start="01/09/2026", window_end="30/10/2026")
    response = client.post("/admin/campaign/draft/", data=values)
    assert response.status_code == 302
    settings = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kiểm tra công tác cải cách hành chính, hoạt động công vụ năm 2026" in settings
    values.update(code="xa-moi-2026")  # taken now
    response = client.post("/admin/campaign/draft/", data=values)
    assert response.status_code == 422 and "code" in refusals(response)


def test_the_schedule_goes_to_excel_and_back(app):
    client = app.test_client()
    login(client, "coordinator")
    draft = new_draft(client)
    path = f"/admin/campaign/plan/{draft}/schedule"
    assert client.post(path, data=form_values(client.get(path).get_data(as_text=True), "proposal-form")).status_code == 302
    book = openpyxl.load_workbook(BytesIO(client.get(f"/admin/campaign/table/{draft}/schedule.xlsx").data))
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == ["Số", "Đơn vị", "Ngày kiểm tra", "Thời điểm"]
    assert sheet["C2"].number_format == "DD/MM/YYYY" and sheet["C2"].value.year == 2027
    sheet["C2"] = "31/02/2027"
    sheet["D3"] = "sáng"
    response = _upload(client, path, book, action="upload")
    assert response.status_code == 422
    message = refusals(response)["table"]
    assert "Dòng 2, cột C" in message and "Dòng 3, cột D" in message
    sheet["C2"], sheet["D3"] = "30/07/2027", "09:30"
    assert _upload(client, path, book, action="upload").status_code == 302
    with _session(app) as session:
        lines = [line for line in session.get(Campaign, draft).units if line.kind == "direct"]
        assert lines[0].visit_date.isoformat() == "2027-07-30" and lines[1].visit_time.strftime("%H:%M") == "09:30"


def test_a_closed_campaign_is_read_only_but_stays_readable(app):
    client = app.test_client()
    login(client, "coordinator")
    token = csrf_token(client, "/admin/campaign/details/?id=1")
    assert client.post("/admin/campaign/close/1", data={"csrf_token": token}).status_code == 302
    details = client.get("/admin/campaign/details/?id=1").get_data(as_text=True)
    assert 'data-status="closed"' in details and "Đã kết thúc" in details and 'id="close-campaign"' not in details
    assert client.get("/admin/campaign/edit/?id=1").status_code == 302
    listing = client.get("/admin/inspection/?search=Y+t%E1%BA%BF").get_data(as_text=True)
    assert "Phòng Y tế" in listing and 'data-trigger="notify"' not in listing
    values = form_values(client.get("/admin/inspection/fire/1/notify").get_data(as_text=True), "trigger-form")
    response = client.post("/admin/inspection/fire/1/notify", data=values)
    assert response.status_code >= 400
    with _session(app) as session:
        assert session.get(Inspection, 1).state == "planned"
    assert client.get("/admin/documents/").status_code == 200
    assert "đã kết thúc" in client.get("/admin/").get_data(as_text=True)


def test_merged_communes_are_offered_to_the_next_campaign(app):
    client = app.test_client()
    login(client, "coordinator")
    with _session(app) as session:
        ids = {name: session.scalar(select(Unit.id).where(Unit.name == name)) for name in ("UBND xã Hà Kỳ", "UBND xã Hà Thanh")}
    path = f"/admin/unit/change/{ids['UBND xã Hà Kỳ']}/merge"
    values = form_values(client.get(path).get_data(as_text=True), "unit-change-form")
    values.update(others=str(ids["UBND xã Hà Thanh"]), into_name="UBND xã Hà Tây", full_name="Ủy ban nhân dân xã Hà Tây",
                  effective_date="01/07/2025", note="Nghị quyết số 1669/NQ-UBTVQH15")
    assert client.post(path, data=values).status_code == 302
    draft = new_draft(client)
    units = client.get(f"/admin/campaign/plan/{draft}/units").get_data(as_text=True)
    assert 'data-unit="UBND xã Hà Tây"' in units and 'data-unit="UBND xã Hà Kỳ"' not in units
    page = client.get(f"/admin/unit/history/{ids['UBND xã Hà Kỳ']}").get_data(as_text=True)
    assert "Hợp nhất" in page and "UBND xã Hà Tây" in page and "30/06/2025" in page


def test_splitting_a_unit_needs_two_new_ones(app):
    client = app.test_client()
    login(client, "coordinator")
    with _session(app) as session:
        unit_id = session.scalar(select(Unit.id).where(Unit.name == "Phòng Kinh tế và Hạ tầng"))
    path = f"/admin/unit/change/{unit_id}/split"
    values = form_values(client.get(path).get_data(as_text=True), "unit-change-form")
    values.update(into="Phòng Kinh tế", effective_date="01/03/2025")
    response = client.post(path, data=values)
    assert response.status_code == 422 and "into" in refusals(response)
    values.update(into="Phòng Kinh tế | Phòng Kinh tế huyện\nPhòng Hạ tầng")
    assert client.post(path, data=values).status_code == 302
    with _session(app) as session:
        assert session.get(Unit, unit_id).valid_to.isoformat() == "2025-02-28"
        assert session.scalar(select(Unit.full_name).where(Unit.name == "Phòng Kinh tế")) == "Phòng Kinh tế huyện"
        assert session.scalar(select(Inspection.unit_name).where(Inspection.unit_id == unit_id)) == "Phòng Kinh tế và Hạ tầng"


def test_an_outline_is_shown_before_it_is_saved(app):
    from models import Outline

    client = app.test_client()
    login(client, "coordinator")
    draft = new_draft(client)
    path = f"/admin/campaign/plan/{draft}/outlines"
    token = csrf_token(client, path)

    def outline_ids():
        with _session(app) as session:
            return sorted(session.scalars(select(Outline.id).where(Outline.campaign_id == draft)))

    before = outline_ids()
    response = client.post(path, data={"csrf_token": token, "unit_kind": "office", "text": "Không phải đề cương", "action": "preview"})
    assert response.status_code == 422 and "office-outline" in refusals(response)
    text = "A. ĐẶC ĐIỂM TÌNH HÌNH\nB. KẾT QUẢ\n1. Công tác chỉ đạo, điều hành\na) Kết quả đạt được\n- Việc ban hành văn bản\n+ Kế hoạch CCHC năm\n"
    response = client.post(path, data={"csrf_token": token, "unit_kind": "office", "text": text, "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-section="B.1"' in page and "Kế hoạch CCHC năm" in page
    assert outline_ids() == before  # shown, not saved
    assert client.post(path, data={"csrf_token": token, "unit_kind": "office", "text": text, "action": "save"}).status_code == 302
    assert outline_ids() != before
    assert client.post(path, data={"csrf_token": token, "unit_kind": "office", "from_campaign": "tuky-2023",
                                   "action": "reuse"}).status_code == 302
    with _session(app) as session:
        outline = session.scalar(select(Outline).where(Outline.campaign_id == draft, Outline.unit_kind == "office"))
        assert len(outline.sections) == 17


def test_the_team_roster_is_entered_on_the_campaign_s_page(app):
    """Issue 30: the team decision's members as rows (name, title, place of work, role); a refusal
    shows every row as typed and changes nothing; a save is audited on the campaign's chain."""
    client = app.test_client()
    login(client, "coordinator")
    page = client.get("/admin/campaign/team/1").get_data(as_text=True)
    assert 'value="Nguyễn Văn An"' in page and 'value="Phó Chủ tịch UBND huyện"' in page and 'name="name-7"' in page  # 5 + 3 empty
    token = csrf_token(client, "/admin/campaign/team/1")
    rows = {"csrf_token": token, "rows": "3", "name-0": "Nguyễn Văn An", "title-0": "Phó Chủ tịch UBND huyện", "role-0": "head",
            "name-1": "Lê Thị Mai", "title-1": "", "workplace-1": "Phòng Nội vụ", "role-1": "secretary", "role-2": "member"}
    refused = client.post("/admin/campaign/team/1", data=rows)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Thành viên số 2: chưa nhập Chức vụ." in text and 'value="Phòng Nội vụ"' in text
    saved = client.post("/admin/campaign/team/1", data={**rows, "title-1": "Chuyên viên"}, follow_redirects=True)
    assert "Đã lưu thành viên Đoàn kiểm tra." in saved.get_data(as_text=True)
    with _session(app) as session:
        campaign = session.get(Campaign, 1)
        assert [(m.position, m.name, m.title, m.role) for m in campaign.team_members] == [
            (1, "Nguyễn Văn An", "Phó Chủ tịch UBND huyện", "head"), (2, "Lê Thị Mai", "Chuyên viên", "secretary")]
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.trigger == "team_roster")) == 1
    client = app.test_client()
    login(client, "inspector")
    assert client.get("/admin/campaign/team/1").status_code == 403  # the campaigns' pages are the office's
