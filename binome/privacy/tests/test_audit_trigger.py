"""The audit trail's database guard (privacy migration 0004, issue #15 F12): rows go only once past
the retention age, by the retention purge; nothing opens it for younger rows, TRUNCATE is refused,
and the application's role of the deployment guide cannot disable the trigger."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from binome.audit.models import AuditEvent
from binome.privacy import retention
from binome.privacy.inventory import RETENTION

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE and database roles exist on PostgreSQL only"
)
AGE = RETENTION["audit"].period


def event_aged(age: timedelta) -> AuditEvent:
    with time_machine.travel(timezone.now() - age, tick=False):
        return AuditEvent.objects.create(verb="viewed", target_type="people.person", target_id="1")


REFUSALS = ("append-only", "must be owner", "permission denied")


def refused(statement: str, params: list[object] | None = None) -> bool:
    """Whether the database refuses `statement` (by the audit trigger or for lack of privilege)."""
    error = ""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The test's own rows leave deferred foreign-key checks pending, and PostgreSQL
                # truncates or alters no table with pending trigger events: run them first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(statement, params)
    except DatabaseError as raised:
        error = str(raised)
    if error and not any(reason in error for reason in REFUSALS):
        raise AssertionError(f"refused for another reason: {error}")
    return bool(error)


def test_F12_no_session_setting_lets_today_s_audit_rows_be_deleted() -> None:
    event = event_aged(timedelta(0))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the purge flag of migration 0002, set by anyone connected
            cursor.execute("SET binome.audit_purge = 'on'")
    try:
        assert refused("DELETE FROM privacy_auditevent WHERE id = %s", [event.pk])
        assert refused("UPDATE privacy_auditevent SET verb = 'x' WHERE id = %s", [event.pk])
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET binome.audit_purge")
    event.refresh_from_db()
    assert event.verb == "viewed"


def test_F12_the_trigger_lets_a_row_go_only_past_the_retention_age() -> None:
    assert AGE is not None
    young = event_aged(AGE - timedelta(days=1))
    old = event_aged(AGE + timedelta(days=1))
    assert refused("DELETE FROM privacy_auditevent WHERE id = %s", [young.pk])
    assert not refused("DELETE FROM privacy_auditevent WHERE id = %s", [old.pk])
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]


def test_F12_the_retention_purge_still_deletes_old_events_and_only_them() -> None:
    old = event_aged(timedelta(days=2200))
    recent = event_aged(timedelta(days=3))
    # A run dated ten years ahead deletes no more than the database's clock allows, without failing.
    result = retention.apply(timezone.localdate() + timedelta(days=3650))
    assert result.audit_events == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


@postgresql_only
def test_F12_truncating_the_audit_trail_is_refused() -> None:
    event_aged(timedelta(0))
    assert refused("TRUNCATE privacy_auditevent")
    assert AuditEvent.objects.count() == 1


@postgresql_only
def test_F12_the_app_role_of_the_deployment_guide_cannot_disable_the_trigger_or_truncate() -> None:
    """The role `manage.py app_role_sql` creates: rows only, owns nothing (the README's deployment)."""
    event = event_aged(timedelta(0))
    role = f"{connection.settings_dict['NAME']}_app"[:63]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    out = io.StringIO()
    call_command("app_role_sql", role, "--owner", owner, stdout=out)
    with connection.cursor() as cursor:
        cursor.execute(out.getvalue())  # CREATE ROLE is transactional: the test's rollback removes it

    def as_app(statement: str) -> bool:
        return refused(f"SET LOCAL ROLE {role}; {statement}")

    assert as_app("ALTER TABLE privacy_auditevent DISABLE TRIGGER ALL")
    assert as_app("ALTER TABLE privacy_auditevent DISABLE TRIGGER privacy_auditevent_append_only")
    assert as_app("DROP TRIGGER privacy_auditevent_no_truncate ON privacy_auditevent")
    assert as_app("TRUNCATE privacy_auditevent")
    assert as_app(f"DELETE FROM privacy_auditevent WHERE id = {event.pk}")
    assert as_app(f"UPDATE privacy_auditevent SET verb = 'x' WHERE id = {event.pk}")
    # The application's own work still runs as that role.
    assert not as_app(
        "INSERT INTO privacy_auditevent (at, verb, target_type, target_id, details)"
        " VALUES (now(), 'viewed', 'people.person', '1', '{}')"
    )
    assert not as_app("UPDATE people_person SET updated_at = updated_at")
    assert not as_app("DELETE FROM django_session")
    assert AuditEvent.objects.filter(pk=event.pk, verb="viewed").exists()


def test_flush_empties_the_audit_trail_for_its_owner_and_puts_the_guard_back(
    django_capture_on_commit_callbacks: object,
) -> None:
    """Test runs flush the database between transactional tests: an owner's operation."""
    event_aged(timedelta(0))
    with transaction.atomic():
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
        assert not AuditEvent.objects.exists()
        event = event_aged(timedelta(0))
        assert refused("DELETE FROM privacy_auditevent WHERE id = %s", [event.pk])
        transaction.set_rollback(True)  # give the other tests their database back
