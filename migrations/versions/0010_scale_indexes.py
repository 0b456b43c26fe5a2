"""Pages at scale: the folded unit name a search compares, the next due date kept on the case,
and the indexes the dashboard, the case list and the "as of" history read

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from models import Inspection
from vocabulary.search import fold
from workflow.deadlines.due_dates import next_due_sql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 5000


def _fold_names() -> None:
    """Fill the folded name of every case, a batch at a time (the folding is Python's)."""
    connection = op.get_bind()
    inspection = sa.table("inspection", sa.column("id", sa.Integer), sa.column("unit_name", sa.String),
                          sa.column("unit_name_folded", sa.String))
    names = {name for (name,) in connection.execute(sa.select(inspection.c.unit_name).distinct())}
    update = inspection.update().where(inspection.c.unit_name == sa.bindparam("name")).values(unit_name_folded=sa.bindparam("folded"))
    rows = [{"name": name, "folded": fold(name)} for name in sorted(names)]
    for start in range(0, len(rows), BATCH):
        connection.execute(update, rows[start:start + BATCH])


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX: a batch copy on SQLite would lose the tables' triggers.
    op.add_column("inspection", sa.Column("unit_name_folded", sa.String(length=200), server_default="", nullable=False))
    _fold_names()
    op.create_index("ix_inspection_campaign_id_kind_state", "inspection", ["campaign_id", "kind", "state"])
    op.create_index("ix_inspection_campaign_id_unit_name_folded", "inspection", ["campaign_id", "unit_name_folded"])
    op.create_index("ix_inspection_campaign_id_visit_date", "inspection", ["campaign_id", "visit_date"])
    op.add_column("inspection", sa.Column("next_due_on", sa.Date(), nullable=True))
    op.execute(sa.update(Inspection.__table__).values(next_due_on=next_due_sql()))
    op.create_index("ix_inspection_campaign_id_next_due_on", "inspection", ["campaign_id", "next_due_on"])
    op.create_index("ix_audit_entry_case_history", "audit_entry", ["inspection_id", "entity", "at", "id", "to_state"])


def downgrade() -> None:
    op.drop_index("ix_audit_entry_case_history", "audit_entry")
    for name in ("ix_inspection_campaign_id_next_due_on", "ix_inspection_campaign_id_visit_date", "ix_inspection_campaign_id_unit_name_folded",
                 "ix_inspection_campaign_id_kind_state"):
        op.drop_index(name, "inspection")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_column("next_due_on")
        batch_op.drop_column("unit_name_folded")
