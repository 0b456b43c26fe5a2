"""Hardening: hash version 2 of the audit log, session generations, login throttling kept in the
database, and on PostgreSQL an owner role and a runtime role

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

* ``audit_entry.hash_version``: the entries already written keep version 1 (their hashes do not
  cover their ids) and stay verifiable; the application writes version 2 from now on.
* ``app_user.session_generation``: raised to end every session of a user. The per-account
  ``failed_logins`` and ``locked_until`` (which let anyone lock any account) give way to
  ``login_throttle``, per address and per address and account pair.
* PostgreSQL: ``cchc_owner`` owns every table, sequence and function (the migrations run as it);
  ``cchc_runtime`` may read and write the data but only read and append to ``audit_entry``, and,
  not being an owner or a superuser, cannot drop or disable a trigger or set
  ``session_replication_role``. The login the application uses is a member of ``cchc_runtime``
  only (README, "Deploying on PostgreSQL"). Roles belong to the whole server, so a downgrade
  takes back the runtime role's rights but leaves both roles in place.
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OWNER, RUNTIME = "cchc_owner", "cchc_runtime"

CREATE_ROLES = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER}') THEN CREATE ROLE {OWNER} NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RUNTIME}') THEN CREATE ROLE {RUNTIME} NOLOGIN; END IF;
END $$"""

# Every table, sequence and function of the schema to the owner role.
TO_OWNER = f"""
DO $$ DECLARE item record; BEGIN
  FOR item IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('ALTER TABLE public.%I OWNER TO {OWNER}', item.tablename);
  END LOOP;
  FOR item IN SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public' LOOP
    EXECUTE format('ALTER SEQUENCE public.%I OWNER TO {OWNER}', item.sequence_name);
  END LOOP;
  ALTER FUNCTION audit_entry_append_only() OWNER TO {OWNER};
END $$"""

GRANTS = [
    "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    f"GRANT USAGE, CREATE ON SCHEMA public TO {OWNER}",
    f"GRANT USAGE ON SCHEMA public TO {RUNTIME}",
    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {RUNTIME}",
    f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM {RUNTIME}",
    f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {RUNTIME}",
    f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {RUNTIME}",
    # Tables of later migrations (run as the owner) are the runtime role's to use as well.
    f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {RUNTIME}",
    f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {RUNTIME}",
]

REVOKES = [
    f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {RUNTIME}",
    f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {RUNTIME}",
    f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {RUNTIME}",
    f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {RUNTIME}",
    f"REVOKE USAGE ON SCHEMA public FROM {RUNTIME}",
]


def upgrade() -> None:
    # A plain ADD COLUMN: on SQLite a batch copy of audit_entry would lose its triggers.
    op.add_column("audit_entry", sa.Column("hash_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="1"))
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttle_updated_at"), ["updated_at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE_ROLES)
        op.execute(TO_OWNER)
        for statement in GRANTS:
            op.execute(statement)
        # The later revisions of this same run create what they create as the owner, as env.py has
        # every later run do.
        op.execute(f"SET ROLE {OWNER}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in REVOKES:
            op.execute(statement)
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttle_updated_at"))
    op.drop_table("login_throttle")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.drop_column("session_generation")
    op.drop_column("audit_entry", "hash_version")
