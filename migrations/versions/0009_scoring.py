"""Scoring against the Chỉ số CCHC: criteria sets, score sheets, their entries and evidence

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KINDS = ["report", "appendix", "minutes", "conclusion", "remediation_report", "evidence", "schedule_notice",
         "minutes_draft", "conclusion_notice", "summary_report", "summary_xlsx", "other"]
POINTS = sa.Numeric(7, 2)


def _attachment_kinds(kinds: list[str]) -> None:
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_attachment_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_attachment_kind"), f"kind IN ({listed})")


def upgrade() -> None:
    op.create_table(
        "criteria_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("bands", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("unit_kind IN ('office', 'commune')", name=op.f("ck_criteria_set_unit_kind")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_criteria_set_campaign_id_campaign")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria_set")),
        sa.UniqueConstraint("campaign_id", "unit_kind", name=op.f("uq_criteria_set_campaign_id_unit_kind")),
    )
    with op.batch_alter_table("criteria_set", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_set_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("max_points", POINTS, nullable=False),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("rate_bands", sa.JSON(), nullable=False),
        sa.Column("evidence_required", sa.Boolean(), nullable=False),
        sa.Column("section_code", sa.String(length=20), nullable=True),
        sa.Column("guidance", sa.Text(), nullable=True),
        sa.CheckConstraint("method IN ('yes_no', 'level', 'rate')", name=op.f("ck_criterion_method")),
        sa.ForeignKeyConstraint(["parent_id"], ["criterion.id"], name=op.f("fk_criterion_parent_id_criterion")),
        sa.ForeignKeyConstraint(["set_id"], ["criteria_set.id"], name=op.f("fk_criterion_set_id_criteria_set")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion")),
        sa.UniqueConstraint("set_id", "code", name=op.f("uq_criterion_set_id_code")),
    )
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterion_set_id"), ["set_id"], unique=False)

    op.create_table(
        "score_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f("ck_score_sheet_status")),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], name=op.f("fk_score_sheet_inspection_id_inspection")),
        sa.ForeignKeyConstraint(["set_id"], ["criteria_set.id"], name=op.f("fk_score_sheet_set_id_criteria_set")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheet")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_score_sheet_inspection_id")),
    )
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheet_set_id"), ["set_id"], unique=False)

    op.create_table(
        "score_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("self_value", POINTS, nullable=True),
        sa.Column("self_points", POINTS, nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("final_value", POINTS, nullable=True),
        sa.Column("final_points", POINTS, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("appraised_by", sa.String(length=200), nullable=True),
        sa.Column("appraised_at", sa.DateTime(), nullable=True),
        sa.Column("as_finding", sa.Boolean(), nullable=False),
        sa.CheckConstraint("decision IN ('accepted', 'corrected')", name=op.f("ck_score_entry_decision")),
        sa.ForeignKeyConstraint(["criterion_id"], ["criterion.id"], name=op.f("fk_score_entry_criterion_id_criterion")),
        sa.ForeignKeyConstraint(["sheet_id"], ["score_sheet.id"], name=op.f("fk_score_entry_sheet_id_score_sheet")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_entry")),
        sa.UniqueConstraint("sheet_id", "criterion_id", name=op.f("uq_score_entry_sheet_id_criterion_id")),
    )
    with op.batch_alter_table("score_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_entry_criterion_id"), ["criterion_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_entry_sheet_id"), ["sheet_id"], unique=False)

    op.create_table(
        "score_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachment.id"], name=op.f("fk_score_evidence_attachment_id_attachment")),
        sa.ForeignKeyConstraint(["entry_id"], ["score_entry.id"], name=op.f("fk_score_evidence_entry_id_score_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_evidence")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_score_evidence_attachment_id")),
    )
    with op.batch_alter_table("score_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_evidence_entry_id"), ["entry_id"], unique=False)

    _attachment_kinds(KINDS[:-1] + ["score_evidence", "other"])


def downgrade() -> None:
    op.drop_table("score_evidence")
    op.drop_table("score_entry")
    op.drop_table("score_sheet")
    op.drop_table("criterion")
    op.drop_table("criteria_set")
    op.execute("UPDATE attachment SET kind = 'other' WHERE kind = 'score_evidence'")  # the files stay in the case
    _attachment_kinds(KINDS)
