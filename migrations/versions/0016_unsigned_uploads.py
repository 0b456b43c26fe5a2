"""A campaign's choice for a unit's file without a valid digital signature

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08

``campaign.unsigned_uploads``: "accept" (the default: the file is kept, flagged) or "refuse". A
file whose signature is broken is refused whatever this says (docs/signatures.md).
"""
from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with its CHECK inline: a batch copy on SQLite would lose the tables' triggers.
    op.add_column("campaign", sa.Column(
        "unsigned_uploads", sa.String(length=10),
        sa.CheckConstraint("unsigned_uploads IN ('accept', 'refuse')", name=op.f("ck_campaign_unsigned_uploads")),
        nullable=False, server_default="accept",
    ))


def downgrade() -> None:
    # SQLite (3.35+) drops a column whose only constraint is its own CHECK in place, triggers kept.
    op.drop_column("campaign", "unsigned_uploads")
