"""The outbox sent to a real SMTP server on 127.0.0.1: delivered once, retried with backoff,
given up on a permanent refusal, and delivered once whatever point a sender dies at."""
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

import pytest

from sqlalchemy import select

from jobs.mailer import SmtpServer, _claim, _hand_over, email_message, retry, send_pending
from jobs.outbox import list_messages, message_summary
from jobs.settings import JobSettings
from jobs.sweep import sweep
from models import OutboxMessage
from tests.helpers import at
from tests.people import COORDINATOR_EMAIL, add_people

SWEPT = at(date(2023, 7, 18), 8)


def queued(db) -> int:
    add_people(db)
    with db.session() as session:
        return sweep(session, SWEPT, mail_domain="tuky.local").mails


def settings_for(smtp_server, **changes) -> JobSettings:
    return replace(JobSettings(smtp_url=smtp_server.url, mail_from="Phòng Nội vụ <cchc@tuky.local>", mail_retry_seconds=60), **changes)


def test_pending_mail_is_delivered_once_in_vietnamese(db, smtp_server):
    count = queued(db)
    settings = settings_for(smtp_server)
    with db.session() as session:
        report = send_pending(session, SWEPT, settings)
        assert len(report.sent) == count == 10
        assert send_pending(session, SWEPT + timedelta(hours=1), settings).sent == []
        sent = list_messages(session, status="sent")
        assert all(message_summary(m)["confirmed"] for m in sent)
    received = smtp_server.sink.wait_for(count)
    assert len(received) == count and set(smtp_server.sink.copies().values()) == {1}
    assert {m.message_id for m in received} == {m.message_id for m in sent}
    overdue = next(m for m in received if m.subject.startswith("[CCHC] Quá hạn"))
    assert overdue.to == COORDINATOR_EMAIL and overdue.message_id.endswith("@tuky.local>")
    assert overdue.subject == "[CCHC] Quá hạn: thông báo lịch kiểm tra của Phòng Tài nguyên và Môi trường (hạn 17/07/2023)"
    assert "Hạn: 17/07/2023" in overdue.body and "Bước hiện tại: Dự kiến" in overdue.body


def test_a_temporary_refusal_is_retried_later_with_backoff(db, smtp_server):
    queued(db)
    settings = settings_for(smtp_server)
    smtp_server.sink.temporary_failures = 100
    with db.session() as session:
        first = send_pending(session, SWEPT, settings)
        assert len(first.retried) == 10 and first.sent == []
        waits = {m.next_attempt_at - SWEPT for m in session.scalars(select(OutboxMessage))}
        assert waits == {timedelta(seconds=60)}
        assert send_pending(session, SWEPT + timedelta(seconds=30), settings).retried == []  # not due yet
        second = send_pending(session, SWEPT + timedelta(seconds=60), settings)
        assert len(second.retried) == 10
        waits = {m.next_attempt_at - (SWEPT + timedelta(seconds=60)) for m in session.scalars(select(OutboxMessage))}
        assert waits == {timedelta(seconds=120)}  # doubled
        smtp_server.sink.temporary_failures = 0
        third = send_pending(session, SWEPT + timedelta(minutes=5), settings)
        assert len(third.sent) == 10
        assert {m.attempts for m in list_messages(session, status="sent")} == {3}
    assert len(smtp_server.sink.snapshot()) == 10


def test_a_permanent_refusal_fails_the_message_for_coordinators_to_see(db, smtp_server):
    queued(db)
    smtp_server.sink.refuse = {COORDINATOR_EMAIL}
    with db.session() as session:
        report = send_pending(session, SWEPT, settings_for(smtp_server))
        assert len(report.failed) == 10
        failed = list_messages(session, status="failed")
        assert len(failed) == 10 and "550" in failed[0].last_error
        smtp_server.sink.refuse = set()
        assert retry(session, failed[0].id, SWEPT) and not retry(session, failed[0].id, SWEPT)
        assert len(send_pending(session, SWEPT, settings_for(smtp_server)).sent) == 1


def test_no_server_means_the_mail_waits(db):
    queued(db)
    settings = JobSettings(smtp_url="smtp://127.0.0.1:9", mail_retry_seconds=60, mail_max_attempts=2)
    with db.session() as session:
        assert len(send_pending(session, SWEPT, settings).retried) == 10
        assert len(send_pending(session, SWEPT + timedelta(minutes=1), settings).failed) == 10  # second attempt: given up
        assert "ConnectionRefusedError" in list_messages(session, status="failed")[0].last_error


def test_killed_before_the_message_was_recorded_as_sent_the_server_discards_it_and_it_is_sent_once(db, smtp_server):
    """The sender handed a whole message to the server and died before recording it as sent (its
    connection dropped before the line that ends the message): the server keeps nothing, and the
    row is sent, once, when its claim expires."""
    queued(db)
    settings = settings_for(smtp_server, mail_claim_seconds=120)
    with db.session() as session:
        claimed = _claim(session, SWEPT, settings)
        with SmtpServer.from_url(settings.smtp_url).connect() as transport:
            def dies() -> bool:
                raise SystemExit("killed")

            with pytest.raises(SystemExit):
                transport.send(email_message(claimed.rows[0], settings.mail_from), dies)
        assert send_pending(session, SWEPT + timedelta(seconds=60), settings).sent == []  # still claimed
        resent = send_pending(session, SWEPT + timedelta(seconds=121), settings)
        assert len(resent.sent) == 10
    assert smtp_server.sink.wait_for(10) and set(smtp_server.sink.copies().values()) == {1}
    assert len(smtp_server.sink.snapshot()) == 10


def test_killed_between_the_record_and_the_end_of_the_message_it_is_never_sent_twice_and_says_unconfirmed(db, smtp_server):
    """The window that remains (docs/operate.md): the row was recorded as sent and the sender died
    before the line that ends the message. It is not sent again, and it is listed as unconfirmed."""
    queued(db)
    settings = settings_for(smtp_server, mail_claim_seconds=120)
    with db.session() as session:
        claimed = _claim(session, SWEPT, settings)
        row = claimed.rows[0]

        def records_then_dies() -> bool:
            _hand_over(session, row, claimed.token, SWEPT)
            raise SystemExit("killed")

        with SmtpServer.from_url(settings.smtp_url).connect() as transport, pytest.raises(SystemExit):
            transport.send(email_message(row, settings.mail_from), records_then_dies)
        assert len(send_pending(session, SWEPT + timedelta(seconds=121), settings).sent) == 9
        summaries = {m.id: message_summary(m) for m in list_messages(session)}
    assert {s["status"] for s in summaries.values()} == {"sent"}
    assert [i for i, s in summaries.items() if not s["confirmed"]] == [row.id]
    assert smtp_server.sink.wait_for(9) and row.message_id not in smtp_server.sink.copies()
    assert set(smtp_server.sink.copies().values()) == {1}


def test_a_sender_whose_claim_was_taken_over_sends_nothing(db, smtp_server):
    """A slow sender's claim expired and another sender took and sent the rows: the slow one finds
    its token gone when it comes to record the first of them, and drops the message."""
    queued(db)
    settings = settings_for(smtp_server, mail_claim_seconds=120)
    with db.session() as session:
        slow = _claim(session, SWEPT, settings)
        assert len(send_pending(session, SWEPT + timedelta(seconds=121), settings).sent) == 10
        with SmtpServer.from_url(settings.smtp_url).connect() as transport:
            row = slow.rows[0]
            assert not transport.send(email_message(row, settings.mail_from), partial(_hand_over, session, row, slow.token, SWEPT))
        assert {m.status for m in list_messages(session)} == {"sent"}
    assert len(smtp_server.sink.snapshot()) == 10 and set(smtp_server.sink.copies().values()) == {1}


def test_a_refusal_of_the_message_after_it_was_recorded_puts_it_back(db, smtp_server):
    queued(db)
    settings = settings_for(smtp_server)
    smtp_server.sink.temporary_failures = 1  # the answer to the end of the first message
    with db.session() as session:
        report = send_pending(session, SWEPT, settings)
        assert len(report.sent) == 9 and len(report.retried) == 1
        again = session.get(OutboxMessage, report.retried[0])
        assert again.status == "pending" and again.sent_at is None and "451" in again.last_error
        assert send_pending(session, SWEPT + timedelta(minutes=1), settings).sent == report.retried
    assert len(smtp_server.sink.snapshot()) == 10


def test_only_the_record_of_a_message_as_sent_skips_the_flush_to_disk(tmp_path):
    """SQLite: every other transaction keeps ``synchronous=FULL`` (2); the hand-over record runs
    with NORMAL (1), which survives a killed process but not a power cut (docs/operate.md)."""
    from sqlalchemy import text

    from models.db import Database, write_transaction

    database = Database(f"sqlite:///{tmp_path / 'flush.db'}")
    synchronous = text("PRAGMA synchronous")
    try:
        with database.session() as session:
            with write_transaction(session):
                assert session.execute(synchronous).scalar() == 2
            with write_transaction(session, flush_to_disk=False):
                assert session.execute(synchronous).scalar() == 1
            assert session.execute(synchronous).scalar() == 2
            with write_transaction(session):
                assert session.execute(synchronous).scalar() == 2
    finally:
        database.dispose()
