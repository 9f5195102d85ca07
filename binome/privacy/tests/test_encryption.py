"""Sensitive fields are ciphertext in the database, readable with any listed key, rotatable."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from binome.people.models import MenteeProfile
from binome.privacy.checks import field_encryption_keys
from binome.privacy.keys import development_key
from binome.sourcing.models import Referral
from conftest import Cast

pytestmark = pytest.mark.django_db


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


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


def test_the_protection_status_still_validates_its_choices(cast: Cast) -> None:
    cast.chloe.protection_status = "tourist"
    with pytest.raises(ValidationError) as error:
        cast.chloe.full_clean()
    assert "protection_status" in error.value.message_dict


def test_filtering_on_an_encrypted_column_fails_loudly_instead_of_matching_nothing(cast: Cast) -> None:
    with pytest.raises(FieldError, match="encrypted"):
        list(MenteeProfile.objects.filter(protection_status="refugee"))
    with pytest.raises(FieldError, match="encrypted"):
        list(Referral.objects.filter(reason__icontains="network"))
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


def test_deploy_check_requires_real_keys() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=""):
        assert [e.id for e in field_encryption_keys()] == ["privacy.E001"]
    with override_settings(FIELD_ENCRYPTION_KEYS="not-a-key"):
        assert [e.id for e in field_encryption_keys()] == ["privacy.E002"]
    with override_settings(FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode()):
        assert field_encryption_keys() == []
