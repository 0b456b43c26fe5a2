"""The schema comes only from Alembic, and the migrations agree with the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic import command
from sqlalchemy import inspect, select

from models import Base, Inspection
from models.db import Database
from models.migrate import alembic_config
from workflow.deadlines.due_dates import next_due


def test_models_and_migrations_agree(empty_database_url):
    database = Database(empty_database_url)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    database.dispose()


def test_downgrade_and_upgrade_again(empty_database_url):
    config = alembic_config(empty_database_url)
    command.downgrade(config, "base")
    database = Database(empty_database_url)
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    database.dispose()
    command.upgrade(config, "head")
    database = Database(empty_database_url)
    assert {"inspection", "audit_entry", "campaign"} <= set(inspect(database.engine).get_table_names())
    database.dispose()


def test_the_next_due_date_filled_by_0010_is_the_one_the_engine_keeps(database_url):
    """0010 fills ``next_due_on`` with its own copy of the due-date table: on the example
    campaigns' cases it must write what the engine itself stores."""
    def stored() -> dict[int, object]:
        database = Database(database_url)
        with database.session() as session:
            rows = dict(session.execute(select(Inspection.id, Inspection.next_due_on)).all())
            kept = {case.id: (next_due(case) or (None, None))[1] for case in session.scalars(select(Inspection))}
        database.dispose()
        assert rows == kept
        return rows

    before = stored()
    assert sum(due is not None for due in before.values()) >= 5
    config = alembic_config(database_url)
    command.downgrade(config, "0009")
    command.upgrade(config, "head")
    assert stored() == before


def test_0014_copies_each_alert_s_campaign_and_leaves_the_stored_cases_to_be_counted(database_url):
    """Upgraded to 0014, the cases already stored carry no step marks and the tally is empty: the
    dashboard counts them one by one and shows what it showed before; counted into the tally,
    the same again."""
    from datetime import date

    from models import Alert, StepDayTally
    from tests.test_pages_at_scale import LEADER, figures, step_tally
    from workflow.deadlines.uncounted import count_uncounted
    from workflow.queries import dashboard

    def board(database: Database) -> list[dict]:
        with database.session() as session:
            return [figures(dashboard.build(session, LEADER, day, today=date(2023, 9, 1)))
                    for day in (date(2023, 7, 20), date(2023, 8, 21), date(2023, 9, 1))]

    database = Database(database_url)
    before = board(database)
    with database.session() as session:
        tallied = step_tally(session)
    assert tallied and any(row["missed"] for row in before)
    database.dispose()
    config = alembic_config(database_url)
    command.downgrade(config, "0013")
    command.upgrade(config, "head")
    database = Database(database_url)
    with database.session() as session:
        alerts = session.execute(select(Alert.campaign_id, Inspection.campaign_id).join(Inspection, Alert.inspection_id == Inspection.id)).all()
        assert alerts and all(copied == campaign for copied, campaign in alerts)
        assert session.scalar(select(Inspection.id).where(Inspection.step_marks.is_not(None))) is None
        assert session.scalar(select(StepDayTally.campaign_id)) is None
    assert board(database) == before
    assert list(count_uncounted(database))[-1] == (35, 35)
    with database.session() as session:
        assert board(database) == before and step_tally(session) == tallied
    database.dispose()


def test_0019_seals_a_verified_log_once_says_so_and_refuses_a_tampered_one(database_url):
    """The entries written before 0019 are sealed by it, under the settings' key, and the log's
    own chain opens with the count; a log that does not verify is not sealed."""
    import pytest
    from sqlalchemy import text

    from workflow.audit import verify

    config = alembic_config(database_url)
    command.downgrade(config, "0014")
    database = Database(database_url)
    with database.session() as session:
        written = session.scalar(text("SELECT count(*) FROM audit_entry"))
    command.upgrade(config, "head")
    with database.session() as session:
        assert session.scalar(text("SELECT count(*) FROM audit_entry WHERE mac IS NULL")) == 0
        assert session.execute(text("SELECT trigger, data_json FROM audit_entry WHERE entity = 'log'")).all() == [
            ("seal_entries", f'{{"revision":"0019","sealed":{written}}}')]
        assert verify(session).ok
    command.downgrade(config, "0014")
    with database.session() as session:
        session.execute(text("DROP TRIGGER audit_entry_no_update" + (" ON audit_entry" if database.dialect == "postgresql" else "")))
        session.execute(text("UPDATE audit_entry SET comment = 'sửa' WHERE id = (SELECT min(id) FROM audit_entry WHERE entity = 'inspection')"))
        session.commit()
    database.dispose()
    with pytest.raises(RuntimeError, match="0019"):
        command.upgrade(config, "head")
