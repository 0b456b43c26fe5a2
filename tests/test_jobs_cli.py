"""The deadline commands as a coordinator runs them: real ``flask --app wsgi`` processes."""
from __future__ import annotations

import json



def test_jobs_sweep_as_of_a_moment_prints_what_it_did(cli):
    cli("users", "create", "dieuphoi@tuky.local", "--role", "coordinator", "--password", "mat-khau-thu-nghiem")
    early = cli("jobs", "sweep", "--now", "2023-07-13T08:00").stdout
    assert "Rà soát thời hạn lúc 13/07/2023 08:00: 0 cảnh báo mới, 0 cảnh báo kết thúc, 0 thao tác tự động, 0 thư chờ gửi." in early
    first = cli("jobs", "sweep", "--now", "2023-07-14T08:00").stdout
    assert "mới     cảnh báo #1: Nhắc hạn — thông báo lịch kiểm tra — Phòng Tài nguyên và Môi trường (hồ sơ #1), hạn 17/07/2023" in first
    assert "4 cảnh báo mới, 0 cảnh báo kết thúc, 0 thao tác tự động, 4 thư chờ gửi." in first
    later = cli("jobs", "sweep", "--now", "2023-07-18T08:00").stdout
    assert "Quá hạn (mức 1) — thông báo lịch kiểm tra — Phòng Tài nguyên và Môi trường" in later
    assert "kết thúc cảnh báo #1: Nhắc hạn — thông báo lịch kiểm tra — Phòng Tài nguyên và Môi trường (hồ sơ #1): đã chuyển lên mức cao hơn" in later
    assert "0 thao tác tự động" in cli("jobs", "sweep", "--now", "2023-07-18T08:00").stdout


def test_alerts_list_and_acknowledge_and_the_outbox(cli):
    cli("users", "create", "dieuphoi@tuky.local", "--role", "coordinator", "--password", "mat-khau-thu-nghiem")
    cli("users", "create", "lanhdao@tuky.local", "--role", "leader", "--password", "mat-khau-thu-nghiem")
    cli("jobs", "sweep", "--now", "2023-07-14T08:00")
    listed = json.loads(cli("alerts", "list", "--json").stdout)
    assert [(a["inspection_id"], a["rule"], a["level"], a["status"]) for a in listed] == [(4, "notice", 0, "open"), (3, "notice", 0, "open"), (2, "notice", 0, "open"), (1, "notice", 0, "open")]
    table = cli("alerts", "list", "--status", "open").stdout
    assert "Phòng Tài nguyên và Môi trường" in table and "Nhắc hạn" in table and "17/07/2023" in table and "Đang mở" in table
    refused = cli("alerts", "ack", "1", "--as", "lanhdao@tuky.local", check=False)
    assert refused.returncode != 0 and "Chỉ cán bộ điều phối" in refused.stderr
    done = cli("alerts", "ack", "1", "--as", "dieuphoi@tuky.local", "--at", "2023-07-14T09:00", "--comment", "Đã giao chuyên viên")
    assert "Cảnh báo #1 đã được dieuphoi@tuky.local xác nhận." in done.stdout
    assert json.loads(cli("alerts", "list", "--status", "acknowledged", "--json").stdout)[0]["acknowledged_by"] == "dieuphoi@tuky.local"
    assert "nguyên vẹn" in cli("audit", "verify").stdout
    pending = json.loads(cli("outbox", "list", "--status", "pending", "--json").stdout)
    assert {m["recipient"] for m in pending} == {"dieuphoi@tuky.local"} and len(pending) == 4
    shown = cli("outbox", "show", str(pending[0]["id"])).stdout
    assert "Subject: [CCHC] Nhắc hạn: thông báo lịch kiểm tra của Thanh tra huyện đến hạn ngày 18/07/2023" in shown
    assert "Thư này do hệ thống quản lý kiểm tra CCHC của Phòng Nội vụ gửi tự động." in shown
    assert "Chờ gửi" in cli("outbox", "list").stdout
