"""The case file: attachments, the outline review, the register of outgoing documents, and who
reviewed each finding

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('register_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=10), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint("doc_type IN ('TB', 'BB', 'BC')", name=op.f('ck_register_counter_doc_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_counter')),
    sa.UniqueConstraint('year', 'doc_type', name=op.f('uq_register_counter_year_doc_type'))
    )
    op.create_table('register_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=10), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('symbol', sa.String(length=50), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('covers', sa.JSON(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('issued_by', sa.String(length=200), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("doc_type IN ('TB', 'BB', 'BC')", name=op.f('ck_register_entry_doc_type')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_register_entry_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_register_entry_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entry')),
    sa.UniqueConstraint('year', 'doc_type', 'number', name=op.f('uq_register_entry_year_doc_type_number'))
    )
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_entry_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entry_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('section_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('section_code', sa.String(length=20), nullable=False),
    sa.Column('achieved', sa.Text(), nullable=True),
    sa.Column('shortcomings', sa.Text(), nullable=True),
    sa.Column('missing_items', sa.JSON(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=200), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_section_review_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section_review')),
    sa.UniqueConstraint('inspection_id', 'section_code', name=op.f('uq_section_review_inspection_id_section_code'))
    )
    with op.batch_alter_table('section_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_review_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('audit_entry_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('trigger', sa.String(length=50), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('generated', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('report', 'appendix', 'minutes', 'conclusion', 'remediation_report', 'evidence', 'schedule_notice', 'minutes_draft', 'conclusion_notice', 'summary_report', 'summary_xlsx', 'other')", name=op.f('ck_attachment_kind')),
    sa.CheckConstraint('inspection_id IS NOT NULL OR campaign_id IS NOT NULL', name=op.f('ck_attachment_owner')),
    sa.ForeignKeyConstraint(['audit_entry_id'], ['audit_entry.id'], name=op.f('fk_attachment_audit_entry_id_audit_entry')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_attachment_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_attachment_finding_id_finding')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_attachment_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachment_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_finding_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_campaign_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('section_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_review_inspection_id'))

    op.drop_table('section_review')
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_entry_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_register_entry_campaign_id'))

    op.drop_table('register_entry')
    op.drop_table('register_counter')
