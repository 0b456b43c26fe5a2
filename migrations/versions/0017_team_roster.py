"""The inspection team as a roster: the members of a campaign's team decision, the members each
visit picked from it, and the unit's people with their titles

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-08

Cases recorded before keep their free-text ``team``; the documents read either.
"""
from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("workplace", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.CheckConstraint("role IN ('head', 'deputy', 'secretary', 'member')", name=op.f("ck_team_member_role")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_team_member_campaign_id_campaign")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_member")),
        sa.UniqueConstraint("campaign_id", "position", name=op.f("uq_team_member_campaign_id_position")),
    )
    op.create_index(op.f("ix_team_member_campaign_id"), "team_member", ["campaign_id"])
    # Plain ADD COLUMN: a batch copy on SQLite would lose the tables' triggers.
    op.add_column("inspection", sa.Column("team_members", sa.JSON(), nullable=True))
    op.add_column("inspection", sa.Column("unit_people", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("inspection", "unit_people")
    op.drop_column("inspection", "team_members")
    op.drop_index(op.f("ix_team_member_campaign_id"), table_name="team_member")
    op.drop_table("team_member")
