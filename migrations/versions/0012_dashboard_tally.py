"""The dashboard's tally of case moves, kept by a trigger on the audit log, and the index of its
open alerts

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

``case_move_tally`` counts the audit log's case entries with a state per campaign, UTC hour, kind
of case and move (``from_state`` ``""`` for a creation). A trigger on the insert into
``audit_entry`` adds the new entries in the same transaction (per row on SQLite, per statement on
PostgreSQL), so the service, the scheduler and bulk inserts (executemany, COPY) all keep it right
and a rolled back change counts nothing. The table is filled from the log already written.

PostgreSQL: the trigger's function is the owner's and runs as it (SECURITY DEFINER, with a fixed
search path); the runtime role may read the tally but not write it, so the tally, like the log,
changes only by an entry appended.

The index on alert (status, level, due_on, id) gives the dashboard its first open alerts of each
level without sorting all of them.
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

RUNTIME = "cchc_runtime"
COLUMNS = "campaign_id, hour, kind, from_state, to_state"
# The UTC hour of an entry's moment, stored as the column type stores a moment.
HOUR = {"sqlite": "substr({at}, 1, 13) || ':00:00.000000'", "postgresql": "date_trunc('hour', {at})"}


def count_moves(dialect: str, entries: str, counted: str) -> str:
    """Add to the tally the case entries with a state of ``entries`` (a table, or a row's values
    as a one-row SELECT): grouped, then added to the rows already there."""
    return (f"INSERT INTO case_move_tally ({COLUMNS}, n) "
            f"SELECT i.campaign_id, {HOUR[dialect].format(at='a.at')}, i.kind, coalesce(a.from_state, ''), a.to_state, {counted} "
            f"FROM {entries} a JOIN inspection i ON i.id = a.inspection_id "
            "WHERE a.entity = 'inspection' AND a.to_state IS NOT NULL GROUP BY 1, 2, 3, 4, 5 "
            f"ON CONFLICT ({COLUMNS}) DO UPDATE SET n = case_move_tally.n + excluded.n")


# SQLite: a row trigger. PostgreSQL: a statement trigger over the rows the statement added, so a
# COPY or a many-row INSERT adds each (campaign, hour, kind, move) once, not once per entry.
TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER audit_entry_tally AFTER INSERT ON audit_entry "
        "WHEN NEW.entity = 'inspection' AND NEW.to_state IS NOT NULL BEGIN "
        + count_moves("sqlite", "(SELECT NEW.inspection_id AS inspection_id, NEW.entity AS entity, NEW.at AS at, "
                                "NEW.from_state AS from_state, NEW.to_state AS to_state)", "1")
        + "; END",
    ],
    "postgresql": [
        "CREATE FUNCTION case_move_tally_count() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        f"SET search_path = public, pg_temp AS $$ BEGIN {count_moves('postgresql', 'added', 'count(*)')}; RETURN NULL; END $$",
        "CREATE TRIGGER audit_entry_tally AFTER INSERT ON audit_entry REFERENCING NEW TABLE AS added "
        "FOR EACH STATEMENT EXECUTE FUNCTION case_move_tally_count()",
        "REVOKE ALL ON FUNCTION case_move_tally_count() FROM PUBLIC",
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{RUNTIME}') THEN "
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON case_move_tally FROM {RUNTIME}; END IF; END $$",
    ],
}


def upgrade() -> None:
    op.create_table(
        "case_move_tally",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=30), nullable=False),
        sa.Column("to_state", sa.String(length=30), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_case_move_tally_campaign_id_campaign")),
        sa.PrimaryKeyConstraint("campaign_id", "hour", "kind", "from_state", "to_state", name=op.f("pk_case_move_tally")),
    )
    dialect = op.get_bind().dialect.name
    op.execute(count_moves(dialect, "audit_entry", "count(*)"))
    for statement in TRIGGER[dialect]:
        op.execute(statement)
    op.create_index("ix_alert_status_level_due_on_id", "alert", ["status", "level", "due_on", "id"])


def downgrade() -> None:
    op.drop_index("ix_alert_status_level_due_on_id", "alert")
    op.execute("DROP TRIGGER audit_entry_tally" + (" ON audit_entry" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION case_move_tally_count()")
    op.drop_table("case_move_tally")
