"""Pages at scale: the folded unit name a search compares, the next due date kept on the case,
and the indexes the dashboard, the case list and the "as of" history read

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

# The folding is shared vocabulary (no models, no workflow): the column must hold what searches
# compare with. The due-date table below is this revision's own copy, so that a later change to
# the application cannot change what this migration does.
from vocabulary.search import fold

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 5000

# What a case waited for in each state at this revision: (category, state) -> the date column.
_AFTER_THE_VISIT = {"report_received": "visit_date", "visited": "minutes_due", "minutes_signed": "conclusion_due",
                    "remediation": "remediation_due"}
_WAITING_FOR = {
    ("self", "planned"): "self_report_due",
    ("announced", "planned"): "notice_due",
    ("announced", "notified"): "report_due",
    ("unannounced", "planned"): "visit_date",
    **{(category, state): column for category in ("announced", "unannounced") for state, column in _AFTER_THE_VISIT.items()},
}


# The columns of the case this revision reads and fills, as they were at this revision.
_INSPECTION = sa.table(
    "inspection", sa.column("kind", sa.String), sa.column("state", sa.String), sa.column("unannounced", sa.Boolean),
    sa.column("unit_name", sa.String), sa.column("unit_name_folded", sa.String), sa.column("next_due_on", sa.Date),
    *(sa.column(name, sa.Date) for name in sorted(set(_WAITING_FOR.values()))),
)


def _fill_next_due() -> None:
    """The date each case waits on in its state, computed in one UPDATE."""
    inspection = _INSPECTION
    kind = inspection.c.kind
    category = sa.case(
        (kind == "self", "self"),
        (sa.or_(kind == "direct", sa.and_(kind == "reinspection", inspection.c.unannounced.is_(False))), "announced"),
        else_="unannounced",
    )
    next_due = sa.case(*((sa.and_(category == cat, inspection.c.state == state), inspection.c[column])
                         for (cat, state), column in _WAITING_FOR.items()), else_=None)
    op.execute(inspection.update().values(next_due_on=next_due))


def _fold_names() -> None:
    """Fill the folded name of every case, a batch at a time (the folding is Python's)."""
    connection = op.get_bind()
    inspection = _INSPECTION
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
    _fill_next_due()
    op.create_index("ix_inspection_campaign_id_next_due_on", "inspection", ["campaign_id", "next_due_on"])
    op.create_index("ix_audit_entry_case_history", "audit_entry", ["inspection_id", "entity", "at", "id", "to_state"])


def downgrade() -> None:
    op.drop_index("ix_audit_entry_case_history", "audit_entry")
    for name in ("ix_inspection_campaign_id_next_due_on", "ix_inspection_campaign_id_visit_date", "ix_inspection_campaign_id_unit_name_folded",
                 "ix_inspection_campaign_id_kind_state"):
        op.drop_index(name, "inspection")
    # Plain DROP COLUMN (SQLite 3.35+), as the upgrade: a batch copy of a table that holds cases
    # fails on their foreign keys and would lose the tables' triggers.
    op.drop_column("inspection", "next_due_on")
    op.drop_column("inspection", "unit_name_folded")
