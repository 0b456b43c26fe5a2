"""Document content: the visit's times, chair, secretary and attendees, the minutes' assessment
and the unit's opinion, causes per section, the summary report's content and signer

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INSPECTION = (
    ("chair", sa.String(length=200)), ("secretary", sa.String(length=200)), ("visit_started", sa.Time()),
    ("visit_ended", sa.Time()), ("unit_attendees", sa.JSON()), ("unit_signer", sa.String(length=200)),
    ("unit_signer_title", sa.String(length=200)), ("team_assessment", sa.Text()), ("unit_opinion", sa.Text()),
)
CAMPAIGN = (
    ("office_head_name", sa.String(length=100)), ("summary_assessment", sa.Text()), ("summary_models", sa.Text()),
    ("summary_reminders", sa.Text()), ("summary_violations", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        for name, kind in INSPECTION:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("section_review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("causes", sa.Text(), nullable=True))
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_head_title", sa.String(length=100), nullable=False, server_default="Trưởng phòng"))
        for name, kind in CAMPAIGN:
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        for name, _kind in reversed(CAMPAIGN):
            batch_op.drop_column(name)
        batch_op.drop_column("office_head_title")
    with op.batch_alter_table("section_review", schema=None) as batch_op:
        batch_op.drop_column("causes")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        for name, _kind in reversed(INSPECTION):
            batch_op.drop_column(name)
