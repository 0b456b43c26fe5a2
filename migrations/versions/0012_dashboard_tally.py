"""The dashboard's tally of case moves, kept by a trigger on the audit log, and the index of its
open alerts

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

``case_move_tally`` counts the audit log's case entries with a state per campaign, UTC hour, kind
of case and move (``from_state`` ``""`` for a creation). A trigger after each insert into
``audit_entry`` adds one to its row in the same transaction, so the service, the scheduler and
bulk inserts (executemany, COPY) all keep it right and a rolled back change counts nothing. The
table is filled from the log already written.

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
COUNTED = "{e}.entity = 'inspection' AND {e}.to_state IS NOT NULL"


def _counted_moves(dialect: str, entry: str, hour_of: str) -> str:
    """The SELECT of (campaign, hour, kind, move) of the case entries in ``entry``."""
    return (f"SELECT i.campaign_id, {HOUR[dialect].format(at=hour_of)}, i.kind, coalesce({entry}.from_state, ''), {entry}.to_state")


def _trigger(dialect: str) -> list[str]:
    one = (f"INSERT INTO case_move_tally ({COLUMNS}, n) {_counted_moves(dialect, 'NEW', 'NEW.at')}, 1 "
           f"FROM inspection i WHERE i.id = NEW.inspection_id "
           f"ON CONFLICT ({COLUMNS}) DO UPDATE SET n = case_move_tally.n + 1")
    if dialect == "sqlite":
        return [f"CREATE TRIGGER audit_entry_tally AFTER INSERT ON audit_entry WHEN {COUNTED.format(e='NEW')} "
                f"BEGIN {one}; END"]
    return [
        "CREATE FUNCTION case_move_tally_count() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        f"SET search_path = public, pg_temp AS $$ BEGIN {one}; RETURN NULL; END $$",
        "CREATE TRIGGER audit_entry_tally AFTER INSERT ON audit_entry FOR EACH ROW "
        f"WHEN ({COUNTED.format(e='NEW')}) EXECUTE FUNCTION case_move_tally_count()",
        "REVOKE ALL ON FUNCTION case_move_tally_count() FROM PUBLIC",
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{RUNTIME}') THEN "
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON case_move_tally FROM {RUNTIME}; END IF; END $$",
    ]


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
    op.execute(f"INSERT INTO case_move_tally ({COLUMNS}, n) {_counted_moves(dialect, 'a', 'a.at')}, count(*) "
               f"FROM audit_entry a JOIN inspection i ON i.id = a.inspection_id WHERE {COUNTED.format(e='a')} "
               f"GROUP BY 1, 2, 3, 4, 5")
    for statement in _trigger(dialect):
        op.execute(statement)
    op.create_index("ix_alert_status_level_due_on_id", "alert", ["status", "level", "due_on", "id"])


def downgrade() -> None:
    op.drop_index("ix_alert_status_level_due_on_id", "alert")
    op.execute("DROP TRIGGER audit_entry_tally" + (" ON audit_entry" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION case_move_tally_count()")
    op.drop_table("case_move_tally")
