"""AuditEvent now belongs to the audit app (audit migration 0001): it leaves this app's state only,
its table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_audit_trail_checks_age"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
            database_operations=[],
        ),
    ]
