"""Logins decided by one statement each: the ticket of the attempt a throttle row last let
through; the token of the sender that claimed an outbox message

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-08

``login_throttle`` now also holds ``account:<e-mail>`` rows (failures on one account from every
address not known to it) and ``known:<address> <e-mail>`` rows (an address the account logged in
from); an attempt is let through when the upsert that counts it writes its own random ticket
(see workflow.people.login_limits).

``outbox_message.claim_token``: a message is recorded as sent only by the sender whose token it
still carries, before the server is told the message is complete (see jobs.mailer).
"""
from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy on SQLite would lose the tables' triggers.
    op.add_column("login_throttle", sa.Column("ticket", sa.String(length=32), nullable=True))
    op.add_column("outbox_message", sa.Column("claim_token", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("claim_token")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_column("ticket")
