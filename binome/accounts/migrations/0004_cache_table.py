"""The table of the database cache (settings.CACHE_TABLE), where the per-client counters live when
REDIS_URL is not set. A migration, so that every database has it: `make run`, `make test` and each
test database (one per pytest-xdist worker, SQLite or PostgreSQL)."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Named explicitly: the table is created even when this run's CACHES point at Redis.
    call_command("createcachetable", settings.CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_user_language"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, drop_cache_table),
    ]
