"""Deadline engine: alerts planned and raised per (case, rule, level), the e-mail outbox, the
scheduler's lease and job runs, and the campaign's timed-rule settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_run',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('next_run_at', sa.DateTime(), nullable=True),
    sa.Column('last_run_at', sa.DateTime(), nullable=True),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('last_result', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_run'))
    )
    op.create_table('scheduler_lease',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_lease'))
    )
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=30), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('fire_at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=True),
    sa.Column('case_version', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=200), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolution', sa.String(length=30), nullable=True),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('audit_head', sa.String(length=64), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'open', 'acknowledged', 'resolved')", name=op.f('ck_alert_status')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_alert_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert')),
    sa.UniqueConstraint('inspection_id', 'rule', 'level', name=op.f('uq_alert_inspection_id_rule_level'))
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index('ix_alert_action_status', ['action', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index('ix_alert_status_fire_at', ['status', 'fire_at', 'id'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('digest_on', sa.Date(), nullable=True),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f('ck_outbox_message_status')),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_outbox_message_alert_id_alert')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('alert_id', 'recipient', name=op.f('uq_outbox_message_alert_id_recipient')),
    sa.UniqueConstraint('digest_on', 'recipient', name=op.f('uq_outbox_message_digest_on_recipient')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_message_id'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index('ix_outbox_message_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_reminder_days', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('notice_escalation_lead_days', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('report_reminder_days', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('report_escalation_lead_days', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('conclusion_escalation_days', sa.Integer(), server_default='7', nullable=False))
        batch_op.add_column(sa.Column('remediation_reminder_days', sa.Integer(), server_default='7', nullable=False))
        batch_op.add_column(sa.Column('remediation_grace_days', sa.Integer(), server_default='10', nullable=False))
        batch_op.add_column(sa.Column('self_reminder_days', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('self_escalation_days', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('alert_hour', sa.Integer(), server_default='7', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('alert_hour')
        batch_op.drop_column('self_escalation_days')
        batch_op.drop_column('self_reminder_days')
        batch_op.drop_column('remediation_grace_days')
        batch_op.drop_column('remediation_reminder_days')
        batch_op.drop_column('conclusion_escalation_days')
        batch_op.drop_column('report_escalation_lead_days')
        batch_op.drop_column('report_reminder_days')
        batch_op.drop_column('notice_escalation_lead_days')
        batch_op.drop_column('notice_reminder_days')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_message_alert_id'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_status_fire_at')
        batch_op.drop_index(batch_op.f('ix_alert_inspection_id'))
        batch_op.drop_index('ix_alert_action_status')

    op.drop_table('alert')
    op.drop_table('scheduler_lease')
    op.drop_table('job_run')
