"""Running the Alembic migrations from code (the CLI, the tests, the benchmarks)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vocabulary.config import PROJECT_DIR

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(database_url: str) -> "Config":
    from alembic.config import Config  # Alembic is loaded by the commands that migrate, not at start-up

    config = Config()
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def revision(database_url: str, message: str) -> None:
    """Autogenerate a new revision from the difference between the models and the database."""
    from alembic import command

    command.revision(alembic_config(database_url), message=message, autogenerate=True)
