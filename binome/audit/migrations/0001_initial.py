"""The audit trail moves from the privacy app to its own, in Django's state only: the table keeps its
name (`privacy_auditevent`), its rows, its index and its append-only triggers (privacy migrations
0002 and 0004), so nothing is written to the database but the content type's new app label."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relabel_content_type(apps, schema_editor):
    """Permissions and admin history of the model follow it to its new app."""
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="audit", model="auditevent").exists():
        content_types.objects.filter(app_label="privacy", model="auditevent").update(app_label="audit")


def restore_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="privacy", model="auditevent").exists():
        content_types.objects.filter(app_label="audit", model="auditevent").update(app_label="privacy")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("privacy", "0004_audit_trail_checks_age"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="when")),
                        ("verb", models.CharField(max_length=40, verbose_name="action")),
                        ("target_type", models.CharField(max_length=60, verbose_name="record type")),
                        ("target_id", models.CharField(max_length=40, verbose_name="record")),
                        ("details", models.JSONField(blank=True, default=dict, verbose_name="details")),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty for actions of the system itself (imports, seed data, scheduled jobs).",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="who",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "audit event",
                        "ordering": ["-at", "-pk"],
                        "db_table": "privacy_auditevent",
                        "indexes": [
                            models.Index(fields=["target_type", "target_id"], name="privacy_aud_target__837504_idx")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_type, restore_content_type),
    ]
