"""The audit trail's guard decides by the row's age, not by a setting (issue #15, F12).

0002 let DELETE through when the session set `binome.audit_purge = 'on'`: anyone connected could
set it, and it let today's rows go too. Now a row can be deleted only once it is past the audit
trail's retention age (5 years: 1826 days, RETENTION["audit"] in binome/privacy/inventory.py;
changing that period needs a migration that replaces this function), UPDATE is always refused,
and TRUNCATE is refused by a statement trigger (PostgreSQL).

SQLite gets the same rules on UPDATE and DELETE as triggers (it has no TRUNCATE).

What a trigger cannot stop is its table's owner (ALTER TABLE ... DISABLE TRIGGER) or a superuser:
the app runs as a role that owns nothing (README, "Deploying on PostgreSQL";
`manage.py app_role_sql`).
"""

from django.db import migrations

AGE = "1826 days"

PG_CREATE = f"""
CREATE OR REPLACE FUNCTION privacy_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '{AGE}' THEN
        RETURN OLD;  -- the retention purge: past the retention age, and only then
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'The audit trail is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION privacy_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'The audit trail is append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_auditevent_no_truncate
    BEFORE TRUNCATE ON privacy_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION privacy_auditevent_no_truncate();
"""
# Back to 0002's function (with its purge setting).
PG_DROP = """
DROP TRIGGER IF EXISTS privacy_auditevent_no_truncate ON privacy_auditevent;
DROP FUNCTION IF EXISTS privacy_auditevent_no_truncate();
CREATE OR REPLACE FUNCTION privacy_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('binome.audit_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'The audit trail is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""

# Django stores SQLite datetimes as UTC text ("2026-12-02 08:10:58.123456"), which sorts as time.
SQLITE_CREATE = [
    """
    CREATE TRIGGER privacy_auditevent_no_update BEFORE UPDATE ON privacy_auditevent
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER privacy_auditevent_no_delete BEFORE DELETE ON privacy_auditevent
    WHEN OLD.at >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-{AGE}')
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: DELETE refused'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS privacy_auditevent_no_update",
    "DROP TRIGGER IF EXISTS privacy_auditevent_no_delete",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_erasure_breach")]

    operations = [migrations.RunPython(create, drop)]
