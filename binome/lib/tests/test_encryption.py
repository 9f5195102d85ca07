"""Sensitive fields are ciphertext in the database, readable with any listed key, rotatable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django.utils import translation

from binome.lib.encryption.checks import field_encryption_keys
from binome.lib.encryption.keys import development_key
from binome.lib.encryption.rotation import encrypted_fields
from binome.meetings.models import Meeting
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile
from binome.sourcing.models import Referral
from conftest import Cast, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Choice labels are asserted on their English source text (as in binome/privacy/tests, where
    this module lived)."""
    with translation.override("en"):
        yield


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def lookup(name: str, value: str) -> dict[str, str]:
    """A filter on an encrypted column, out of sight of django-stubs' mypy plugin: it calls the
    field's get_lookup, which raises (as it must at run time), and mypy crashes."""
    return {name: value}


def write_raw(table: str, pk: int, **values: str) -> None:
    """Store values as they are, the way rows written before a column was encrypted hold them."""
    columns = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [*values.values(), pk])


def a_meeting(duo: Duo, note: str) -> Meeting:
    return Meeting.objects.create(
        duo=duo,
        held_on=date(2026, 4, 2),
        duration_minutes=60,
        mode="video",
        topics=["cv"],
        note=note,
        recorded_as="mentor",
    )


def current_code(secret: str) -> str:
    return totp_code(secret)


def quietly(command: str) -> None:
    call_command(command, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_protection_status_and_the_referral_reason_are_ciphertext_in_the_database(cast: Cast) -> None:
    referral = cast.chloe_referral
    referral.reason = "Needs a network in logistics"
    referral.save()
    assert raw("sourcing_referral", "reason", referral.pk).startswith("gAAAAA")
    assert "logistics" not in raw("sourcing_referral", "reason", referral.pk)
    assert raw("people_menteeprofile", "protection_status", cast.chloe.pk) != "refugee"
    referral.refresh_from_db()
    cast.chloe.refresh_from_db()
    assert referral.reason == "Needs a network in logistics"
    assert cast.chloe.protection_status == "refugee"
    assert cast.chloe.get_protection_status_display() == "Refugee"


def test_duo_reasons_and_meeting_notes_are_ciphertext_in_the_database(cast: Cast) -> None:
    duo = cast.paris_duo
    duo.pause_reason = "Mentee hospitalised"
    duo.end_reason = "Housing lost, moved to another city"
    duo.save()
    meeting = a_meeting(duo, "Talked about the asylum hearing")
    for table, column, pk, plain in [
        ("pairing_duo", "pause_reason", duo.pk, "hospitalised"),
        ("pairing_duo", "end_reason", duo.pk, "Housing"),
        ("meetings_meeting", "note", meeting.pk, "asylum"),
    ]:
        stored = raw(table, column, pk)
        assert stored.startswith("gAAAAA")
        assert plain not in stored
    duo = Duo.objects.get(pk=duo.pk)
    assert (duo.pause_reason, duo.end_reason) == ("Mentee hospitalised", "Housing lost, moved to another city")
    assert Meeting.objects.get(pk=meeting.pk).note == "Talked about the asylum hearing"
    assert [m.note for m in Meeting.objects.filter(duo=duo).exclude(note="")] == ["Talked about the asylum hearing"]
    with pytest.raises(FieldError, match="encrypted"):
        list(Meeting.objects.filter(**lookup("note__icontains", "asylum")))
    with pytest.raises(FieldError, match="encrypted"):
        list(Duo.objects.filter(**lookup("end_reason", "Housing lost, moved to another city")))


def run_migration_code(app_label: str, name: str, *, backwards: bool = False) -> None:
    """The data step of a migration, run on the models as they are at that migration."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    operation = loader.get_migration(app_label, name).operations[-1]
    assert isinstance(operation, RunPython)
    code = operation.reverse_code if backwards else operation.code
    assert code is not None  # the way back decrypts
    code(loader.project_state((app_label, name)).apps, connection.schema_editor())


def test_the_migrations_encrypt_the_plaintext_rows_written_before_them_and_decrypt_them_on_the_way_back(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast.paris_duo, "")
    write_raw("pairing_duo", cast.paris_duo.pk, end_reason="Mentor moved abroad", pause_reason="")
    write_raw("meetings_meeting", meeting.pk, note="Practised the interview")
    assert raw("pairing_duo", "end_reason", cast.paris_duo.pk) == "Mentor moved abroad"  # the set-up is plaintext

    run_migration_code("pairing", "0004_encrypt_duo_reasons")
    run_migration_code("meetings", "0006_encrypt_meeting_note")

    assert raw("pairing_duo", "end_reason", cast.paris_duo.pk).startswith("gAAAAA")
    assert raw("pairing_duo", "pause_reason", cast.paris_duo.pk) == ""  # empty stays empty
    assert raw("meetings_meeting", "note", meeting.pk).startswith("gAAAAA")
    assert Duo.objects.get(pk=cast.paris_duo.pk).end_reason == "Mentor moved abroad"
    assert Meeting.objects.get(pk=meeting.pk).note == "Practised the interview"

    run_migration_code("pairing", "0004_encrypt_duo_reasons", backwards=True)
    run_migration_code("meetings", "0006_encrypt_meeting_note", backwards=True)

    assert raw("pairing_duo", "end_reason", cast.paris_duo.pk) == "Mentor moved abroad"
    assert raw("pairing_duo", "pause_reason", cast.paris_duo.pk) == ""
    assert raw("meetings_meeting", "note", meeting.pk) == "Practised the interview"


def test_the_protection_status_still_validates_its_choices(cast: Cast) -> None:
    cast.chloe.protection_status = "tourist"
    with pytest.raises(ValidationError) as error:
        cast.chloe.full_clean()
    assert "protection_status" in error.value.message_dict


def test_filtering_on_an_encrypted_column_fails_loudly_instead_of_matching_nothing(cast: Cast) -> None:
    with pytest.raises(FieldError, match="encrypted"):
        list(MenteeProfile.objects.filter(**lookup("protection_status", "refugee")))
    with pytest.raises(FieldError, match="encrypted"):
        list(Referral.objects.filter(**lookup("reason__icontains", "network")))
    assert Referral.objects.filter(reason="").count() == 2  # "is it empty?" still works
    cast.chloe_referral.reason = "Filled"
    cast.chloe_referral.save()
    assert list(Referral.objects.exclude(reason="")) == [cast.chloe_referral]


def test_rotating_keys_re_encrypts_every_row_under_the_new_key(cast: Cast) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    dev = development_key()  # what the cast was written with
    with override_settings(FIELD_ENCRYPTION_KEYS=[old, dev]):
        cast.chloe_referral.reason = "Wants to work in logistics"
        cast.chloe_referral.save()
        before = raw("sourcing_referral", "reason", cast.chloe_referral.pk)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old, dev]):
        assert Referral.objects.get(pk=cast.chloe_referral.pk).reason == "Wants to work in logistics"
        call_command("rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
        after = raw("sourcing_referral", "reason", cast.chloe_referral.pk)
    assert after != before
    assert Fernet(new.encode()).decrypt(after.encode()).decode() == "Wants to work in logistics"
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):  # the old key can go now
        assert Referral.objects.get(pk=cast.chloe_referral.pk).reason == "Wants to work in logistics"
        assert MenteeProfile.objects.get(pk=cast.chloe.pk).protection_status == "refugee"


def test_rotating_keys_covers_duo_reasons_meeting_notes_and_two_factor_secrets(cast: Cast) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    secret = generate_totp_secret()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old, development_key()]):
        duo = cast.paris_duo
        duo.pause_reason, duo.end_reason = "Mentee hospitalised", "Housing lost"
        duo.save()
        meeting = a_meeting(duo, "Talked about the asylum hearing")
        TOTP.activate(cast.amara, secret)
        codes = RecoveryCodes.activate(cast.amara).generate_codes()
        totp_before = Authenticator.objects.get(user=cast.amara, type=Authenticator.Type.TOTP).data["secret"]
        old_fernet = Fernet(old.encode())
        assert old_fernet.decrypt(totp_before.encode()).decode() == secret  # written under the old key
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old, development_key()]):
        quietly("rotate_keys")
    new_fernet = Fernet(new.encode())
    totp = Authenticator.objects.get(user=cast.amara, type=Authenticator.Type.TOTP)
    recovery = Authenticator.objects.get(user=cast.amara, type=Authenticator.Type.RECOVERY_CODES)
    assert new_fernet.decrypt(totp.data["secret"].encode()).decode() == secret
    assert new_fernet.decrypt(recovery.data["seed"].encode())
    assert recovery.data["used_mask"] == 0
    for table, column, pk in [
        ("pairing_duo", "pause_reason", duo.pk),
        ("pairing_duo", "end_reason", duo.pk),
        ("meetings_meeting", "note", meeting.pk),
    ]:
        assert new_fernet.decrypt(raw(table, column, pk).encode())

    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):  # the old keys are gone
        duo = Duo.objects.get(pk=duo.pk)
        assert (duo.pause_reason, duo.end_reason) == ("Mentee hospitalised", "Housing lost")
        assert Meeting.objects.get(pk=meeting.pk).note == "Talked about the asylum hearing"
        cache.clear()  # allauth remembers used codes: a code another test used is refused
        assert TOTP(totp).validate_code(current_code(secret))
        assert RecoveryCodes(recovery).generate_codes() == codes
        # Nothing anywhere is left under a dropped key.
        for model, names in encrypted_fields():
            list(model._default_manager.values_list(*names))


def test_rotating_keys_encrypts_two_factor_secrets_stored_before_the_adapter(cast: Cast) -> None:
    secret = generate_totp_secret()
    Authenticator.objects.create(user=cast.amara, type=Authenticator.Type.TOTP, data={"secret": secret})
    quietly("rotate_keys")
    stored: Any = Authenticator.objects.get(user=cast.amara, type=Authenticator.Type.TOTP)
    assert stored.data["secret"].startswith("gAAAAA")
    assert secret not in stored.data["secret"]
    cache.clear()
    assert TOTP(stored).validate_code(current_code(secret))


def test_deploy_check_requires_real_keys() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=""):
        assert [e.id for e in field_encryption_keys()] == ["privacy.E001"]
    with override_settings(FIELD_ENCRYPTION_KEYS="not-a-key"):
        assert [e.id for e in field_encryption_keys()] == ["privacy.E002"]
    with override_settings(FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode()):
        assert field_encryption_keys() == []
