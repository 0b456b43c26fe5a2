"""The command line as a user runs it: real ``flask --app wsgi`` processes on a SQLite file."""
from __future__ import annotations

import io
import json
import sqlite3
from datetime import date, timedelta

import pytest

from tests import samples

def cases(cli) -> list[dict]:
    return json.loads(cli("inspections", "list", "--json").stdout)


def test_list_json_has_the_documented_fields(cli):
    listed = cases(cli)
    assert len(listed) == 35
    first = listed[0]
    for key in ("id", "unit", "unit_kind", "kind", "state", "visit_date", "notice_due", "report_due", "self_report_due"):
        assert key in first
    assert (first["unit"], first["unit_kind"], first["kind"], first["state"]) == ("Phòng Tài nguyên và Môi trường", "office", "direct", "planned")
    planned_self = json.loads(cli("inspections", "list", "--state", "planned", "--json").stdout)
    assert {c["state"] for c in planned_self} == {"planned"}
    table = cli("inspections", "list").stdout
    assert "Phòng Tài nguyên và Môi trường" in table and "27/07/2023" in table and "Dự kiến" in table


def test_a_direct_case_from_planned_to_closed_and_the_audit_log(cli, tmp_path):
    case = cases(cli)[0]
    visit = date.fromisoformat(case["visit_date"])
    day = lambda offset: (visit + timedelta(days=offset)).isoformat()
    fire = lambda trigger, at, *pairs, check=True: cli("inspections", "fire", str(case["id"]), trigger, "--at", f"{at}T09:00", *[a for p in pairs for a in ("--set", p)], check=check)

    refused = fire("notify", day(-9), f"notice_date={day(-9)}", check=False)
    assert refused.returncode != 0
    assert "Thông báo lịch kiểm tra phải gửi trước ngày kiểm tra ít nhất 10 ngày" in refused.stderr
    assert cases(cli)[0]["state"] == "planned"

    cli("users", "create", "team@tuky.local", "--role", "inspector", "--password", "mat-khau-doan-kt")
    unnumbered = fire("notify", day(-10), f"notice_date={day(-10)}", check=False)
    assert unnumbered.returncode != 0 and "văn thư" in unnumbered.stderr
    # The number the UBND's văn thư gave is recorded as typed, with no reason asked.
    assert "57/TB-UBND" in fire("notify", day(-10), f"notice_date={day(-10)}", "notice_number=57/TB-UBND").stdout
    fake = samples.write(tmp_path, "bao-cao.pdf", b"just text, not a PDF")
    refused = fire("receive_report", day(-6), f"file={fake}", check=False)
    assert refused.returncode != 0 and "bao-cao.pdf" in refused.stderr and "không phải PDF" in refused.stderr
    report = samples.write(tmp_path, "Báo cáo TNMT.pdf", samples.PDF)
    fire("receive_report", day(-6), f"file={report}", f"appendices={samples.write(tmp_path, 'pl.xlsx', samples.xlsx_bytes())}")
    listed = cli("documents", "list", "--case", str(case["id"])).stdout
    assert "Báo cáo TNMT.pdf" in listed and "pl.xlsx" in listed
    cli("inspections", "fire", str(case["id"]), "visit", "--as", "team@tuky.local", "--at", f"{day(0)}T15:00", "--set", "team=1,3")
    recorded = cli("inspections", "record-closing", str(case["id"]), "--assessment", "Đơn vị thực hiện tốt công tác CCHC.",
                   "--as", "team@tuky.local", "--at", f"{day(0)}T16:00")
    assert "đã ghi nhận đánh giá chung của Đoàn kiểm tra và ý kiến của đơn vị" in recorded.stdout
    fire("sign_minutes", day(0), "minutes_number=01/BB-ĐKT", "participants=Lãnh đạo phòng; Đoàn kiểm tra",
         f"file={samples.write(tmp_path, 'bien-ban-da-ky.pdf', samples.PDF)}")
    fire("conclude", day(8), "conclusion_number=61/TB-UBND", 'findings=[{"section": "B.3", "text": "Chưa cập nhật TTHC", "due_date": "' + day(40) + '"}]')
    fire("start_remediation", day(9))
    fire("report_remediation", day(35), 'statuses={"1": "done"}', f"file={samples.write(tmp_path, 'khac-phuc.pdf', samples.PDF)}",
         f"evidence.1={samples.write(tmp_path, 'anh.png', samples.png())}")
    assert fire("accept", day(36), check=False).returncode != 0  # the team has not accepted finding 1 yet
    cli("inspections", "review-finding", str(case["id"]), "1", "--accept", "--as", "team@tuky.local", "--at", f"{day(36)}T08:00")
    done = fire("accept", day(36), "comment=Đơn vị đã khắc phục")
    assert "Hoàn thành" in done.stdout
    assert cases(cli)[0]["state"] == "closed"

    verified = cli("audit", "verify")
    assert "nguyên vẹn" in verified.stdout

    # Edited by hand with sqlite3: first the append-only triggers go, then a row is changed.
    with sqlite3.connect(cli.path) as connection:
        connection.execute("DROP TRIGGER audit_entry_no_update")
        connection.execute("UPDATE audit_entry SET actor = 'someone-else' WHERE trigger = 'visit'")
    tampered = cli("audit", "verify", check=False)
    assert tampered.returncode == 1
    assert "đã bị sửa" in tampered.stderr and "ĐÃ BỊ THAY ĐỔI" in tampered.stdout


def test_refusals_exit_non_zero_with_the_reason(cli):
    bad = cli("inspections", "fire", "1", "notify", "--set", "notice_date=20/07/2023", check=False)
    assert bad.returncode != 0 and "Ngày thông báo" in bad.stderr and "YYYY-MM-DD" in bad.stderr
    wrong_state = cli("inspections", "fire", "1", "accept", check=False)
    assert wrong_state.returncode != 0 and "Không thể" in wrong_state.stderr
    missing = cli("inspections", "fire", "999", "notify", check=False)
    assert missing.returncode != 0 and "Không có hồ sơ #999" in missing.stderr


def test_users_create_prints_a_random_password_once(cli):
    created = cli("users", "create", "Coordinator@Tuky.local", "--role", "coordinator")
    assert "coordinator@tuky.local" in created.stdout and "Mật khẩu:" in created.stdout
    again = cli("users", "create", "coordinator@tuky.local", "--role", "coordinator", check=False)
    assert again.returncode != 0 and "đã có tài khoản" in again.stderr
    unit = cli("users", "create", "vanthu@daison.local", "--role", "unit", "--unit", "UBND xã Đại Sơn", "--password", "mot-mat-khau-dai")
    assert "Mật khẩu" not in unit.stdout
    no_unit = cli("users", "create", "x@tuky.local", "--role", "unit", check=False)
    assert no_unit.returncode != 0 and "Đơn vị" in no_unit.stderr


def test_seed_twice_and_upgrade_are_idempotent(cli):
    assert "Không có gì để nạp" in cli("seed", "tuky-2023").stdout
    assert cli("db", "upgrade").returncode == 0


def test_cases_stored_before_the_day_tally_are_counted_into_it(cli):
    with sqlite3.connect(cli.path) as connection:
        tallied = connection.execute("SELECT measure, step, day, n FROM step_day_tally WHERE n <> 0 ORDER BY 1, 2, 3").fetchall()
        connection.execute("UPDATE inspection SET step_marks = NULL")  # as revision 0014 leaves the cases stored before it
        connection.execute("DELETE FROM step_day_tally")
    counted = cli("db", "count-steps").stdout
    assert "Đã tính 35/35 hồ sơ." in counted and "(35 hồ sơ vừa tính)" in counted
    assert "(0 hồ sơ vừa tính)" in cli("db", "count-steps").stdout
    with sqlite3.connect(cli.path) as connection:
        assert connection.execute("SELECT count(*) FROM inspection WHERE step_marks IS NULL").fetchone() == (0,)
        again = connection.execute("SELECT measure, step, day, n FROM step_day_tally WHERE n <> 0 ORDER BY 1, 2, 3").fetchall()
    assert tallied and again == tallied


def test_documents_are_rendered_listed_and_downloaded_from_the_command_line(cli, tmp_path):
    case = cases(cli)[0]
    visit = date.fromisoformat(case["visit_date"])
    at = lambda offset: (visit + timedelta(days=offset)).isoformat() + "T09:00"
    cli("inspections", "fire", str(case["id"]), "notify", "--at", at(-10), "--set", "notice_number=57/TB-UBND")
    draft = cli("documents", "render", "schedule-notice", "--at", at(-10), "--out", str(tmp_path / "draft.docx"))
    assert "Thông báo lịch kiểm tra (dự thảo).docx" in draft.stdout  # no number yet: the văn thư gives it
    notice = cli("documents", "render", "schedule-notice", "--at", at(-10), "--number", "58/TB-UBND", "--out", str(tmp_path / "tb.docx"))
    assert "Thông báo lịch kiểm tra 58-TB-UBND.docx" in notice.stdout and (tmp_path / "tb.docx").read_bytes()[:2] == b"PK"
    refused = cli("documents", "render", "minutes", "--case", str(case["id"]), "--at", at(-10), check=False)
    assert refused.returncode != 0 and "kiểm tra trực tiếp chưa được ghi nhận" in refused.stderr
    cli("documents", "render", "summary-xlsx", "--at", at(-9))
    listed = cli("documents", "list").stdout
    file_id = listed.split()[0].lstrip("#")
    cli("users", "create", "vanthu@daison.local", "--role", "unit", "--unit", "UBND xã Đại Sơn", "--password", "mot-mat-khau-dai")
    assert cli("documents", "get", file_id, "--out", str(tmp_path / "x.docx"), "--as", "vanthu@daison.local").returncode == 0
    summary_id = next(line for line in listed.splitlines() if ".xlsx" in line).split()[0].lstrip("#")
    hidden = cli("documents", "get", summary_id, "--out", str(tmp_path / "y.xlsx"), "--as", "vanthu@daison.local", check=False)
    assert hidden.returncode != 0 and f"Không có tệp #{summary_id}" in hidden.stderr
    register = cli("documents", "register", "--year", "2023").stdout
    assert "57/TB-UBND" in register and "58/TB-UBND" in register
    assert "Đã xóa 0 tệp" in cli("documents", "cleanup").stdout


@pytest.fixture
def signing_env(monkeypatch, signing_pki) -> None:
    """The keys' passphrase and the trust folder in the environment the command line starts with
    (asked for before ``cli``, which copies the environment)."""
    monkeypatch.setenv("P12_PASSPHRASE", "mat-khau-p12")
    monkeypatch.setenv("TRUST_ROOTS", str(signing_pki.trust_dir))


def test_the_minutes_are_issued_and_signed_in_three_steps_from_the_command_line(signing_env, cli, tmp_path, signing_pki):
    """Draft → issued (the register's BB number) → the chair, the secretary (PKCS#12 keys in their
    names), then the văn thư with the organisation's key; the clerk first is refused (Art. 32(2d))."""
    from pypdf import PdfReader

    from tests import pki as test_pki
    from tests.signature_images import blue_signature_png, red_seal_png
    from tests.signing_people import render_page

    case = cases(cli)[0]
    visit = date.fromisoformat(case["visit_date"])
    at = lambda offset, hour=9: (visit + timedelta(days=offset)).isoformat() + f"T{hour:02d}:00"
    fire = lambda trigger, when, *pairs: cli("inspections", "fire", str(case["id"]), trigger, "--at", when, *[a for p in pairs for a in ("--set", p)])
    blue, red = samples.write(tmp_path, "chu-ky.png", blue_signature_png()), samples.write(tmp_path, "con-dau.png", red_seal_png())
    # The roster's Trưởng đoàn (no. 1) and Thư ký (no. 3) sign with certificates in their names.
    roster = {"chair": "Nguyễn Văn An", "secretary": "Lê Thị Mai"}
    holders = {role: signing_pki.issue(f"cli-{role}", name, test_pki.BODY) for role, name in roster.items()}
    holders["clerk"] = signing_pki["organisation"]
    people = {"chair": ("truongdoan@tuky.local", "inspector", blue), "secretary": ("thuky@tuky.local", "inspector", blue),
              "clerk": ("vanthu@tuky.local", "clerk", red)}
    for role, (email, user_role, image) in people.items():
        cli("users", "create", email, "--role", user_role, "--password", "mat-khau-thu-nghiem", "--name", holders[role].name)
    fire("notify", at(-10), "notice_number=57/TB-UBND")
    fire("receive_report", at(-6), f"file={samples.write(tmp_path, 'bao-cao.pdf', samples.PDF)}")
    fire("visit", at(0, 15), "team=1,2,3")
    cli("documents", "render", "minutes", "--case", str(case["id"]), "--at", at(0, 16))
    listed = json.loads(cli("documents", "list", "--case", str(case["id"]), "--json").stdout)
    draft = next(item for item in listed if item["document"] == "minutes")
    assert (draft["stage"], draft["label"], draft["signatures"]) == ("draft", "Dự thảo", None) and "(dự thảo)" in draft["name"]

    issued = cli("documents", "issue", str(draft["id"]), "--as", people["clerk"][0], "--at", at(0, 17)).stdout.strip().splitlines()
    issued_id = issued[-1]
    assert issued_id.isdigit() and "01-BB-ĐKT.pdf" in issued[0]
    refused = cli("documents", "sign", issued_id, "--as", people["clerk"][0], check=False)
    assert refused.returncode != 0 and "Điều 32" in refused.stderr
    assert cli("documents", "sign", str(draft["id"]), "--as", people["chair"][0], check=False).returncode != 0  # a draft

    for role, (email, _role, image) in people.items():
        cli("users", "signing-key", email, "--p12", str(holders[role].p12_path), "--passphrase-env", "P12_PASSPHRASE", "--image", str(image))
    current = issued_id
    for role in ("chair", "secretary", "clerk"):
        out = cli("documents", "sign", current, "--as", people[role][0]).stdout.strip().splitlines()
        assert out[-1].isdigit() and out[-1] != current
        current = out[-1]
    final = {item["id"]: item for item in json.loads(cli("documents", "list", "--case", str(case["id"]), "--json").stdout)}[int(current)]
    assert final["label"] == "Đã ký (3/3)" and final["stage"] == "signed" and final["name"].endswith("(đã ký 3-3).pdf")
    assert final["signatures"]["status"] == "valid" and final["parent"] is not None
    cli("documents", "get", current, "--out", str(tmp_path / "bien-ban.pdf"))
    signed = (tmp_path / "bien-ban.pdf").read_bytes()
    render_page(signed, len(PdfReader(io.BytesIO(signed)).pages) - 1, "minutes-signed")
    # Signed in the product to its last step, the minutes need no scan: the step takes the signed PDF.
    signed_minutes = fire("sign_minutes", at(1), "participants=Lãnh đạo phòng; Đoàn kiểm tra").stdout
    assert "01/BB-ĐKT" in signed_minutes
    minutes_files = [item for item in json.loads(cli("documents", "list", "--case", str(case["id"]), "--json").stdout) if item["kind"] == "minutes"]
    assert [item["name"] for item in minutes_files] == [final["name"]]
    register = cli("documents", "register", "--year", str(visit.year)).stdout
    assert register.count("/BB-ĐKT") == 1


@pytest.fixture
def token_env(monkeypatch, softhsm, signing_pki):
    """A SoftHSM2 token with the chair's key; its PIN and configuration in the environment the
    command line starts with (asked for before ``cli``)."""
    token = softhsm.make_token("cli-chair-token", signing_pki["person"], "chair-key")
    for name, value in token.env.items():
        monkeypatch.setenv(name, value)
    return token


def test_a_token_key_is_registered_from_the_command_line_once_it_opens(token_env, cli, signing_pki):
    email = "truongdoan@tuky.local"
    cli("users", "create", email, "--role", "inspector", "--password", "mat-khau-thu-nghiem", "--name", signing_pki["person"].name)
    both = cli("users", "signing-key", email, "--p12", str(signing_pki["person"].p12_path), "--pkcs11", token_env.module, check=False)
    assert both.returncode != 0 and "--pkcs11 MODULE --token" in both.stderr
    no_pin = cli("users", "signing-key", email, "--pkcs11", token_env.module, "--token", token_env.label, "--key", token_env.key_label,
                 "--pin-env", "NO_SUCH_PIN", check=False)
    assert no_pin.returncode != 0 and "NO_SUCH_PIN" in no_pin.stderr
    done = cli("users", "signing-key", email, "--pkcs11", token_env.module, "--token", token_env.label, "--key", token_env.key_label,
               "--pin-env", "TOKEN_PIN").stdout
    assert signing_pki["person"].name in done and "Test Issuing CA" in done
    with sqlite3.connect(cli.path) as connection:
        spec, = connection.execute("SELECT spec FROM signing_key").fetchone()
        trigger, = connection.execute("SELECT trigger FROM audit_entry WHERE entity = 'user' ORDER BY id DESC LIMIT 1").fetchone()
    assert json.loads(spec) == {"kind": "pkcs11", "module": token_env.module, "token": "cli-chair-token", "key": "chair-key",
                                "pin_env": "TOKEN_PIN"} and trigger == "signing_key"
