"""Campaigns as data: status, issuing body's level, copies; the planned list of units; units with
a history (category, validity, renames, merges and splits)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=True),
    sa.Column('visit_time', sa.Time(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('direct', 'self', 'surprise')", name=op.f('ck_campaign_unit_kind')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_unit_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_campaign_unit_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_unit')),
    sa.UniqueConstraint('campaign_id', 'unit_id', name=op.f('uq_campaign_unit_campaign_id_unit_id'))
    )
    with op.batch_alter_table('campaign_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_unit_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_unit_unit_id'), ['unit_id'], unique=False)

    op.create_table('unit_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=10), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('from_unit_id', sa.Integer(), nullable=False),
    sa.Column('to_unit_id', sa.Integer(), nullable=False),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('to_name', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("change IN ('rename', 'merge', 'split')", name=op.f('ck_unit_change_change')),
    sa.ForeignKeyConstraint(['from_unit_id'], ['unit.id'], name=op.f('fk_unit_change_from_unit_id_unit')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['unit.id'], name=op.f('fk_unit_change_to_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_change'))
    )
    with op.batch_alter_table('unit_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_change_from_unit_id'), ['from_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_change_to_unit_id'), ['to_unit_id'], unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='active', nullable=False))
        batch_op.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('issuer_level', sa.String(length=10), server_default='huyen', nullable=False))
        batch_op.add_column(sa.Column('office', sa.String(length=200), server_default='Phòng Nội vụ', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_campaign_copied_from_id_campaign'), 'campaign', ['copied_from_id'], ['id'])
        batch_op.create_check_constraint(op.f("ck_campaign_status"), "status IN ('draft', 'active', 'closed')")
        batch_op.create_check_constraint(op.f("ck_campaign_issuer_level"), "issuer_level IN ('tinh', 'huyen', 'xa')")

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_unit_category"),
            "category IN ('phong', 'so', 'thanh_tra', 'van_phong', 'co_quan_khac', 'xa', 'phuong', 'thi_tran', 'dac_khu')",
        )

    # The planned list of the campaigns already loaded: one line per unit, from its direct or self case.
    op.execute(
        "INSERT INTO campaign_unit (campaign_id, unit_id, unit_name, kind, visit_date, visit_time, position) "
        "SELECT i.campaign_id, i.unit_id, i.unit_name, i.kind, i.visit_date, i.visit_time, i.id FROM inspection i "
        "WHERE i.kind IN ('direct', 'self') AND i.id = (SELECT MIN(j.id) FROM inspection j "
        "WHERE j.campaign_id = i.campaign_id AND j.unit_id = i.unit_id AND j.kind IN ('direct', 'self'))"
    )


def downgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_unit_category"), type_="check")
        batch_op.drop_column('valid_to')
        batch_op.drop_column('valid_from')
        batch_op.drop_column('category')

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_campaign_issuer_level"), type_="check")
        batch_op.drop_constraint(op.f("ck_campaign_status"), type_="check")
        batch_op.drop_constraint(batch_op.f('fk_campaign_copied_from_id_campaign'), type_='foreignkey')
        batch_op.drop_column('office')
        batch_op.drop_column('issuer_level')
        batch_op.drop_column('copied_from_id')
        batch_op.drop_column('status')

    with op.batch_alter_table('unit_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_change_to_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_change_from_unit_id'))

    op.drop_table('unit_change')
    with op.batch_alter_table('campaign_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_unit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_unit_campaign_id'))

    op.drop_table('campaign_unit')
