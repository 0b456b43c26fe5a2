"""Alembic environment: the schema of ``models`` on the database of ``DATABASE_URL``."""
from alembic import context

from models import Base, UTCDateTime
from models.db import make_engine
from vocabulary.config import Settings

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj, autogen_context):
    """Render our column types as the plain SQLAlchemy types they store, so a revision does not
    import the models (it must keep working when the models change)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


# Revision 0007 makes this role the owner of the schema on PostgreSQL; later revisions must create
# what they create as it, so that the runtime role's default privileges apply.
SCHEMA_OWNER = "cchc_owner"


def _as_schema_owner(connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    ready = connection.exec_driver_sql(
        f"SELECT pg_has_role(current_user, oid, 'MEMBER') AND has_schema_privilege(oid, 'public', 'CREATE') "
        f"FROM pg_roles WHERE rolname = '{SCHEMA_OWNER}'").scalar()
    if ready:
        connection.exec_driver_sql(f"SET ROLE {SCHEMA_OWNER}")
    connection.commit()


def _run(connection) -> None:
    _as_schema_owner(connection)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `flask --app wsgi db upgrade`")
run_migrations_online()
