"""Initial schema, with the audit log made append-only by database triggers

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

# The audit log refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) at the database level.
APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$",
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
    ],
}


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('plan_number', sa.String(length=50), nullable=True),
    sa.Column('plan_date', sa.Date(), nullable=True),
    sa.Column('basis', sa.Text(), nullable=True),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('issuer_short', sa.String(length=100), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('signer_title', sa.String(length=100), nullable=False),
    sa.Column('signer_name', sa.String(length=100), nullable=False),
    sa.Column('team_decision_number', sa.String(length=50), nullable=True),
    sa.Column('team_decision_date', sa.Date(), nullable=True),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('schedule_from', sa.Date(), nullable=True),
    sa.Column('visits_per_day', sa.Integer(), nullable=False),
    sa.Column('notice_lead_days', sa.Integer(), nullable=False),
    sa.Column('report_lead_days', sa.Integer(), nullable=False),
    sa.Column('minutes_days', sa.Integer(), nullable=False),
    sa.Column('conclusion_days', sa.Integer(), nullable=False),
    sa.Column('remediation_days', sa.Integer(), nullable=False),
    sa.Column('self_check_by', sa.Date(), nullable=True),
    sa.Column('self_report_due', sa.Date(), nullable=True),
    sa.Column('day_counting', sa.String(length=20), nullable=False),
    sa.Column('extra_days_off', sa.JSON(), nullable=False),
    sa.Column('makeup_workdays', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('audit_head', sa.String(length=64), nullable=False),
    sa.CheckConstraint("day_counting IN ('calendar', 'working')", name=op.f('ck_campaign_day_counting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('code', name=op.f('uq_campaign_code'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('contact_phone', sa.String(length=50), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('audit_head', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('office', 'commune')", name=op.f('ck_unit_kind')),
    sa.ForeignKeyConstraint(['successor_id'], ['unit.id'], name=op.f('fk_unit_successor_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('name', name=op.f('uq_unit_name'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('audit_head', sa.String(length=64), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'coordinator', 'inspector', 'unit', 'leader', 'auditor')", name=op.f('ck_app_user_role')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_app_user_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('email', name=op.f('uq_app_user_email'))
    )
    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('unannounced', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reinspection_of_id', sa.Integer(), nullable=True),
    sa.Column('visit_date', sa.Date(), nullable=True),
    sa.Column('visit_time', sa.Time(), nullable=True),
    sa.Column('notice_number', sa.String(length=50), nullable=True),
    sa.Column('notice_date', sa.Date(), nullable=True),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('report_file', sa.String(length=500), nullable=True),
    sa.Column('visited_date', sa.Date(), nullable=True),
    sa.Column('team', sa.Text(), nullable=True),
    sa.Column('visit_reason', sa.Text(), nullable=True),
    sa.Column('radio', sa.Text(), nullable=True),
    sa.Column('minutes_number', sa.String(length=50), nullable=True),
    sa.Column('minutes_date', sa.Date(), nullable=True),
    sa.Column('participants', sa.Text(), nullable=True),
    sa.Column('minutes_file', sa.String(length=500), nullable=True),
    sa.Column('conclusion_number', sa.String(length=50), nullable=True),
    sa.Column('conclusion_date', sa.Date(), nullable=True),
    sa.Column('remediation_reported_date', sa.Date(), nullable=True),
    sa.Column('remediation_file', sa.String(length=500), nullable=True),
    sa.Column('reinspection_reason', sa.Text(), nullable=True),
    sa.Column('closed_date', sa.Date(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('notice_due', sa.Date(), nullable=True),
    sa.Column('report_due', sa.Date(), nullable=True),
    sa.Column('minutes_due', sa.Date(), nullable=True),
    sa.Column('conclusion_due', sa.Date(), nullable=True),
    sa.Column('remediation_due', sa.Date(), nullable=True),
    sa.Column('self_report_due', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('audit_head', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('direct', 'surprise', 'self', 'reinspection')", name=op.f('ck_inspection_kind')),
    sa.CheckConstraint("state IN ('planned', 'notified', 'report_received', 'visited', 'minutes_signed', 'concluded', 'remediation', 'remediation_reported', 'reinspection', 'closed', 'cancelled')", name=op.f('ck_inspection_state')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_inspection_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['reinspection_of_id'], ['inspection.id'], name=op.f('fk_inspection_reinspection_of_id_inspection')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_inspection_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_reinspection_of_id'), ['reinspection_of_id'], unique=False)
        batch_op.create_index('ix_inspection_state_conclusion_due', ['state', 'conclusion_due'], unique=False)
        batch_op.create_index('ix_inspection_state_minutes_due', ['state', 'minutes_due'], unique=False)
        batch_op.create_index('ix_inspection_state_notice_due', ['state', 'notice_due'], unique=False)
        batch_op.create_index('ix_inspection_state_remediation_due', ['state', 'remediation_due'], unique=False)
        batch_op.create_index('ix_inspection_state_report_due', ['state', 'report_due'], unique=False)
        batch_op.create_index('ix_inspection_state_self_report_due', ['state', 'self_report_due'], unique=False)
        batch_op.create_index('ix_inspection_state_visit_date', ['state', 'visit_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('uq_inspection_campaign_unit_kind', ['campaign_id', 'unit_id', 'kind'], unique=True, sqlite_where=sa.text("kind IN ('direct', 'self')"), postgresql_where=sa.text("kind IN ('direct', 'self')"))

    op.create_table('outline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('audience', sa.Text(), nullable=False),
    sa.CheckConstraint("unit_kind IN ('office', 'commune')", name=op.f('ck_outline_unit_kind')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_outline_campaign_id_campaign')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outline')),
    sa.UniqueConstraint('campaign_id', 'unit_kind', name=op.f('uq_outline_campaign_id_unit_kind'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('trigger', sa.String(length=50), nullable=False),
    sa.Column('from_state', sa.String(length=30), nullable=True),
    sa.Column('to_state', sa.String(length=30), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('data_json', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_audit_entry_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    sa.UniqueConstraint('entity', 'entity_id', 'seq', name=op.f('uq_audit_entry_entity_entity_id_seq'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_actor', ['actor'], unique=False)
        batch_op.create_index('ix_audit_entry_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index('ix_audit_entry_trigger', ['trigger'], unique=False)
    for statement in APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)

    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('section_code', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('unit_note', sa.Text(), nullable=True),
    sa.Column('accepted', sa.Boolean(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'done', 'in_progress', 'not_done')", name=op.f('ck_finding_status')),
    sa.ForeignKeyConstraint(['carried_from_id'], ['finding.id'], name=op.f('fk_finding_carried_from_id_finding')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_finding_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding'))
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('outline_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outline_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('heading', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('assessed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['outline_id'], ['outline.id'], name=op.f('fk_outline_section_outline_id_outline')),
    sa.ForeignKeyConstraint(['parent_id'], ['outline_section.id'], name=op.f('fk_outline_section_parent_id_outline_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outline_section')),
    sa.UniqueConstraint('outline_id', 'code', name=op.f('uq_outline_section_outline_id_code'))
    )
    with op.batch_alter_table('outline_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outline_section_outline_id'), ['outline_id'], unique=False)

    op.create_table('outline_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['outline_item.id'], name=op.f('fk_outline_item_parent_id_outline_item')),
    sa.ForeignKeyConstraint(['section_id'], ['outline_section.id'], name=op.f('fk_outline_item_section_id_outline_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outline_item'))
    )
    with op.batch_alter_table('outline_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outline_item_section_id'), ['section_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outline_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outline_item_section_id'))

    op.drop_table('outline_item')
    with op.batch_alter_table('outline_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outline_section_outline_id'))

    op.drop_table('outline_section')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_inspection_id'))

    op.drop_table('finding')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_trigger')
        batch_op.drop_index(batch_op.f('ix_audit_entry_inspection_id'))
        batch_op.drop_index('ix_audit_entry_at')
        batch_op.drop_index('ix_audit_entry_actor')

    op.drop_table('audit_entry')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_entry_append_only()")
    op.drop_table('outline')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index('uq_inspection_campaign_unit_kind', sqlite_where=sa.text("kind IN ('direct', 'self')"), postgresql_where=sa.text("kind IN ('direct', 'self')"))
        batch_op.drop_index(batch_op.f('ix_inspection_unit_id'))
        batch_op.drop_index('ix_inspection_state_visit_date')
        batch_op.drop_index('ix_inspection_state_self_report_due')
        batch_op.drop_index('ix_inspection_state_report_due')
        batch_op.drop_index('ix_inspection_state_remediation_due')
        batch_op.drop_index('ix_inspection_state_notice_due')
        batch_op.drop_index('ix_inspection_state_minutes_due')
        batch_op.drop_index('ix_inspection_state_conclusion_due')
        batch_op.drop_index(batch_op.f('ix_inspection_reinspection_of_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_campaign_id'))

    op.drop_table('inspection')
    op.drop_table('app_user')
    op.drop_table('unit')
    op.drop_table('campaign')
