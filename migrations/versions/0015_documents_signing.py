"""Documents drawn up, issued and signed: the stages of a document's versions, the users' signing
keys, and the clerk's role

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08

``attachment`` gains the stage of a generated document (draft, issued, signed; NULL for any other
file), the document it is a version of, the version it was made from and the verdict on its
signatures. ``signing_key`` holds one key per user. ``app_user.role`` admits ``clerk`` (văn thư).
Neither ``attachment`` nor ``app_user`` carries a trigger, so the batch copies SQLite needs to
change their constraints lose nothing.
"""
from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ROLES = ["admin", "coordinator", "inspector", "unit", "leader", "auditor"]


def _roles(roles: list[str]) -> None:
    listed = ", ".join(f"'{role}'" for role in roles)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_app_user_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_app_user_role"), f"role IN ({listed})")


def upgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("document", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signature_check", sa.JSON(none_as_null=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_attachment_parent_id_attachment"), "attachment", ["parent_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_attachment_parent_id"), ["parent_id"], unique=False)
        batch_op.create_check_constraint(batch_op.f("ck_attachment_stage"), "stage IN ('draft', 'issued', 'signed')")
    op.create_table(
        "signing_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("image_sha256", sa.String(length=64), nullable=True),
        sa.Column("certificate", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_signing_key_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_key")),
        sa.UniqueConstraint("user_id", name=op.f("uq_signing_key_user_id")),
    )
    _roles(ROLES + ["clerk"])


def downgrade() -> None:
    # A clerk's account has no role to go back to: refuse rather than change an audited row unlogged.
    if op.get_bind().execute(sa.text("SELECT count(*) FROM app_user WHERE role = 'clerk'")).scalar():
        raise RuntimeError("Users with the role 'clerk' exist: give them another role before downgrading below 0015.")
    _roles(ROLES)
    op.drop_table("signing_key")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_attachment_stage"), type_="check")
        batch_op.drop_index(batch_op.f("ix_attachment_parent_id"))
        batch_op.drop_constraint(batch_op.f("fk_attachment_parent_id_attachment"), type_="foreignkey")
        batch_op.drop_column("signature_check")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("document")
        batch_op.drop_column("stage")
