"""The register's look-ups on indexes, and three single-column indexes dropped that a composite
index starting with the same column already serves (each one cost every commit its page writes)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# (index, table, column): the composite that serves each look-up instead is named beside it.
REDUNDANT = [
    ("ix_inspection_campaign_id", "inspection", "campaign_id"),  # ix_inspection_campaign_id_kind_state
    ("ix_audit_entry_inspection_id", "audit_entry", "inspection_id"),  # ix_audit_entry_case_history
    ("ix_alert_inspection_id", "alert", "inspection_id"),  # uq_alert_inspection_id (inspection_id, rule, level)
    ("ix_register_entry_campaign_id", "register_entry", "campaign_id"),  # ix_register_entry_campaign_purpose_symbol
]


def upgrade() -> None:
    # Plain CREATE/DROP INDEX: a batch copy on SQLite would lose the tables' triggers.
    op.create_index("ix_register_entry_campaign_purpose_symbol", "register_entry", ["campaign_id", "purpose", "symbol"])
    op.create_index("ix_register_entry_year_doc_type_doc_date", "register_entry", ["year", "doc_type", "doc_date"])
    for name, table, _column in REDUNDANT:
        op.drop_index(name, table)


def downgrade() -> None:
    for name, table, column in REDUNDANT:
        op.create_index(name, table, [column])
    op.drop_index("ix_register_entry_year_doc_type_doc_date", "register_entry")
    op.drop_index("ix_register_entry_campaign_purpose_symbol", "register_entry")
