"""The dashboard's tally of steps missed and done late per campaign and day, each case's share
of it, and its open alerts and visits ahead read from indexes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

``inspection.step_marks`` holds what a case adds to ``step_day_tally`` (see models.step_tally);
the cases already stored keep it NULL, which the dashboard reads as "not counted in the tally
yet" and counts one by one through the partial index below, until they change or
``flask db count-steps`` counts them all. So this revision carries no rules of its own: it
only makes the room.

An alert now carries its case's campaign (filled here from the cases), and the index of open
alerts starts with it; the index of visits by day also holds the state and the time, so the
visits ahead are counted and listed from the index alone.
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN / CREATE INDEX: a batch copy on SQLite would lose the tables' triggers.
    op.add_column("inspection", sa.Column("step_marks", sa.JSON(none_as_null=True), nullable=True))
    op.create_index("ix_inspection_campaign_id_uncounted", "inspection", ["campaign_id"],
                    sqlite_where=sa.text("step_marks IS NULL"), postgresql_where=sa.text("step_marks IS NULL"))
    op.create_table(
        "step_day_tally",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=10), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_step_day_tally_campaign_id_campaign")),
        sa.PrimaryKeyConstraint("campaign_id", "measure", "step", "day", name=op.f("pk_step_day_tally")),
    )
    op.add_column("alert", sa.Column("campaign_id", sa.Integer(), nullable=True))
    op.execute("UPDATE alert SET campaign_id = (SELECT campaign_id FROM inspection WHERE inspection.id = alert.inspection_id)")
    op.drop_index("ix_alert_status_level_due_on_id", "alert")
    op.create_index("ix_alert_campaign_id_status_level_due_on_id", "alert", ["campaign_id", "status", "level", "due_on", "id"])
    op.drop_index("ix_inspection_campaign_id_visit_date", "inspection")
    op.create_index("ix_inspection_campaign_id_visit_date_state", "inspection", ["campaign_id", "visit_date", "state", "visit_time"])


def downgrade() -> None:
    op.drop_index("ix_inspection_campaign_id_visit_date_state", "inspection")
    op.create_index("ix_inspection_campaign_id_visit_date", "inspection", ["campaign_id", "visit_date"])
    op.drop_index("ix_alert_campaign_id_status_level_due_on_id", "alert")
    op.create_index("ix_alert_status_level_due_on_id", "alert", ["status", "level", "due_on", "id"])
    op.drop_column("alert", "campaign_id")
    op.drop_table("step_day_tally")
    op.drop_index("ix_inspection_campaign_id_uncounted", "inspection")
    op.drop_column("inspection", "step_marks")
