"""The contributions ledger refuses to change its figures: on PostgreSQL and SQLite an UPDATE of an
entry's kind, amount, date, agreement, invoice or reversed entry is refused by a trigger; on
PostgreSQL a DELETE is refused too (SQLite's test runs empty tables with DELETE). Only the
"created by" column may change, when a user account is removed."""

from django.db import migrations

COLUMNS = '"kind", "amount_cents", "on", "agreement_id", "invoice_id", "reverses_id"'

PG_CREATE = f"""
CREATE OR REPLACE FUNCTION sponsorship_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'The contributions ledger is append-only (' || TG_OP || ' refused)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sponsorship_ledger_no_update
    BEFORE UPDATE OF {COLUMNS} ON sponsorship_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION sponsorship_ledger_append_only();
CREATE TRIGGER sponsorship_ledger_no_delete
    BEFORE DELETE ON sponsorship_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION sponsorship_ledger_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS sponsorship_ledger_no_update ON sponsorship_ledgerentry;
DROP TRIGGER IF EXISTS sponsorship_ledger_no_delete ON sponsorship_ledgerentry;
DROP FUNCTION IF EXISTS sponsorship_ledger_append_only();
"""
SQLITE_CREATE = f"""
CREATE TRIGGER sponsorship_ledger_no_update BEFORE UPDATE OF {COLUMNS} ON sponsorship_ledgerentry
BEGIN SELECT RAISE(ABORT, 'The contributions ledger is append-only (UPDATE refused)'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS sponsorship_ledger_no_update;"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("sponsorship", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
