"""The schema comes only from Alembic, and the migrations agree with the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic import command
from sqlalchemy import inspect

from models import Base
from models.db import Database
from models.migrate import alembic_config


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
