"""Date rules and the register (issue #15): the campaign's reading of "trước ngày", the phúc
tra's planned date, who numbers each document type; a self-inspection's completion date

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("self_dates_before", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("reinspection_lead_days", sa.Integer(), nullable=False, server_default="20"))
        batch_op.add_column(sa.Column("numbering", sa.JSON(), nullable=True))
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("self_check_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("self_check_due", sa.Date(), nullable=True))
        batch_op.create_index("ix_inspection_state_self_check_due", ["state", "self_check_due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_index("ix_inspection_state_self_check_due")
        batch_op.drop_column("self_check_due")
        batch_op.drop_column("self_check_date")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("numbering")
        batch_op.drop_column("reinspection_lead_days")
        batch_op.drop_column("self_dates_before")
