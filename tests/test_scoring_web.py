"""The scoring pages through Flask's test client: who sees what, and a refusal shown next to its field."""
from __future__ import annotations

import io

from sqlalchemy import select

from models import Inspection
from tests import samples
from tests.web import csrf_token, login


def case_of(app, unit_name: str) -> int:
    with app.app_context():
        from web.database import db_session

        return db_session().scalar(select(Inspection.id).where(Inspection.unit_name == unit_name, Inspection.kind == "direct"))


def criterion_id(app, kind: str, code: str) -> int:
    with app.app_context():
        from models import CriteriaSet, Criterion
        from web.database import db_session

        return db_session().scalar(select(Criterion.id).join(CriteriaSet).where(CriteriaSet.unit_kind == kind, Criterion.code == code))


def load_samples(client) -> None:
    token = csrf_token(client, "/admin/scoring/")
    for kind in ("office", "commune"):
        response = client.post(f"/admin/scoring/sample/{kind}", data={"csrf_token": token})
        assert response.status_code == 302


def test_the_office_loads_the_samples_and_a_unit_scores_only_itself(app):
    client = app.test_client()
    login(client, "coordinator")
    load_samples(client)
    page = client.get("/admin/scoring/").get_data(as_text=True)
    assert page.count("MẪU") >= 2 and "Xuất sắc ≥ 90%" in page
    assert client.get("/admin/scoring/export/1").get_data(as_text=True).count("[[fields]]") == 8
    workbook = client.get("/admin/scoring/export/2.xlsx")  # the commune set as a workbook, imported back as it is
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"
    response = client.post("/admin/scoring/import", data={"csrf_token": csrf_token(client, "/admin/scoring/"),
                                                          "file": (io.BytesIO(workbook.data), "bo-tieu-chi.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 302 and "Đã nạp bộ tiêu chí" in client.get("/admin/scoring/").get_data(as_text=True)
    assert client.get("/admin/scoring/template/office.xlsx").data[:2] == b"PK"
    annex = client.post("/admin/scoring/annex", data={"csrf_token": csrf_token(client, "/admin/scoring/"), "format": "docx"})
    assert annex.status_code == 303 and "/admin/inspection/file/" in annex.headers["Location"]
    assert client.get(annex.headers["Location"]).data[:2] == b"PK"
    own, other = case_of(app, "Phòng Tài nguyên và Môi trường"), case_of(app, "Phòng Giáo dục và Đào tạo")
    unit = app.test_client()
    login(unit, "unit")
    assert unit.get("/admin/scoring/").headers["Location"].endswith(f"/admin/scoring/case/{own}")
    assert unit.get(f"/admin/scoring/case/{other}").status_code == 404
    assert unit.get("/admin/scoring/ranking.xlsx").status_code == 403
    assert unit.get("/admin/scoring/export/2.xlsx").status_code == unit.get("/admin/scoring/template/office.xlsx").status_code == 403
    refused = unit.post("/admin/scoring/annex", data={"csrf_token": csrf_token(unit, f"/admin/scoring/case/{own}")})
    assert refused.status_code == 302 and "/admin/inspection/file/" not in refused.headers["Location"]
    page = unit.get(f"/admin/scoring/case/{own}").get_data(as_text=True)
    assert 'name="value-' in page and "Bình quân" not in page
    token = csrf_token(unit, f"/admin/scoring/case/{own}")
    plan, done = criterion_id(app, "office", "1.1.1"), criterion_id(app, "office", "1.1.2")
    response = unit.post(f"/admin/scoring/case/{own}", data={"csrf_token": token, "action": "save", f"value-{done}": "120"})
    assert response.status_code == 422 and "tỷ lệ phải từ 0 đến 100" in response.get_data(as_text=True)
    response = unit.post(f"/admin/scoring/case/{own}", data={"csrf_token": token, "action": "submit", f"value-{plan}": "1",
                                                             f"evidence-{plan}": (io.BytesIO(samples.PDF), "Kế hoạch CCHC.pdf")},
                         content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f'data-field="value-{done}">1.1.2: chưa chấm điểm.' in page
    assert f'data-field="evidence-{plan}"' not in page and "Đã lưu tạm, nhưng chưa gửi được" in page
    assert "Kế hoạch CCHC.pdf" in page  # the draft was saved with its evidence; only the submission was refused
    inspector = app.test_client()
    login(inspector, "inspector")
    assert 'name="decision-' not in inspector.get(f"/admin/scoring/case/{own}").get_data(as_text=True)  # not submitted yet


def test_the_command_line_refuses_a_bad_file_and_loads_the_sample(cli, tmp_path):
    from workflow.scoring.criteria import sample_text

    text = sample_text("commune")
    broken = tmp_path / "sai.toml"
    broken.write_text(text.replace("max_points = 6", 'max_points = "sáu"'), encoding="utf-8")
    refused = cli("scoring", "import", "tuky-2023", str(broken), check=False)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row == "max_points = 6")
    assert refused.returncode == 2 and refused.stderr.startswith(f"Dòng {line}: Lĩnh vực số 3 › Tiêu chí số 2 › Điểm tối đa: ")
    imported = cli("scoring", "sample", "tuky-2023", "commune")
    assert imported.stdout.startswith("Đã nạp: MẪU – Bộ chỉ số cải cách hành chính của UBND xã") and "(33 tiêu chí" in imported.stdout
