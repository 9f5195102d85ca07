"""`backup` then `restore` gives back the database exactly: every table's rows and content."""

from __future__ import annotations

import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from binome.pairing.models import Duo
from binome.people.models import Person
from conftest import APPS_BUT_REFERENCE, Cast, build_cast


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row of every table."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # nosec B608: table names from introspection
            rows = sorted(repr(row) for row in cursor.fetchall())
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_REFERENCE)
def test_backup_then_restore_gives_back_the_database_exactly(tmp_path: Path) -> None:
    cast: Cast = build_cast()
    before = fingerprint()
    assert before["people_person"][0] >= 4
    file = tmp_path / "binome.backup"
    out = StringIO()
    call_command("backup", str(file), stdout=out)
    assert file.stat().st_size > 0
    assert "backup written" in out.getvalue()

    Person.objects.filter(pk=cast.chloe.person_id).update(first_name="Changed")
    Duo.objects.filter(pk=cast.lyon_duo.pk).delete()
    Person.objects.create(first_name="New", last_name="Person", territory=cast.paris)
    assert fingerprint() != before

    call_command("restore", str(file), yes=True, stdout=StringIO())
    after = fingerprint()
    differences = [t for t in before if before[t] != after.get(t)]
    assert not differences, differences
    assert set(after) == set(before)
    assert Person.objects.get(pk=cast.chloe.person_id).first_name == "Chloé"


def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nope.backup"), yes=True)
