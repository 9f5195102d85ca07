"""Encryption for bulk writes (an import): tokens written in batches are the Fernet tokens
`cryptography` itself reads, under keys read once per process and again when the settings change."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from binome.audit.models import AuditEvent
from binome.lib.bulk import insert_rows
from binome.lib.encryption import keys
from binome.lib.encryption.fields import TOKEN_PREFIX, decrypt, encrypt, encrypt_many
from binome.sourcing.models import ReferralTransition
from conftest import Cast

# Around the AES block of 16 bytes (padding is a whole block when the text fills its last one),
# several bytes per character, and the same text twice.
TEXTS = ["", "a", "x" * 15, "x" * 16, "x" * 17, "é" * 8, "Réfugiée – ⅓ 🙂", "same", "same", "n" * 5000]


def raw_column(table: str, column: str, ids: list[int]) -> list[str]:
    with connection.cursor() as cursor:
        # Test-owned names; the ids are parameters.
        cursor.execute(f"SELECT {column} FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))}) ORDER BY id", ids)  # nosec B608
        return [row[0] for row in cursor.fetchall()]


def test_a_batch_of_tokens_is_read_by_fernet_itself_with_the_newest_key_only() -> None:
    newest, older = Fernet.generate_key(), Fernet.generate_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=[newest.decode(), older.decode()]):
        tokens = encrypt_many(TEXTS)
        assert [decrypt(token) for token in tokens] == TEXTS  # and through the field's own reading
    # ttl: the token's timestamp is now, as Fernet.encrypt writes it.
    assert [Fernet(newest).decrypt(token.encode(), ttl=60).decode() for token in tokens] == TEXTS
    assert all(token.startswith(TOKEN_PREFIX) for token in tokens)
    with pytest.raises(InvalidToken):
        Fernet(older).decrypt(tokens[1].encode())
    assert tokens[7] != tokens[8]  # the same text twice: two IVs, two tokens
    ivs = {base64.urlsafe_b64decode(token)[9:25] for token in tokens}  # after the version and the timestamp
    assert len(ivs) == len(tokens)  # every token its own IV
    assert encrypt_many([]) == []


def test_the_keys_are_derived_once_and_again_after_a_change_of_settings(monkeypatch: Any) -> None:
    derived = []
    development_key = keys.development_key

    def counted() -> str:
        derived.append(1)
        return development_key()

    monkeypatch.setattr(keys, "development_key", counted)
    with override_settings(FIELD_ENCRYPTION_KEYS="", SECRET_KEY="s" * 50):
        tokens = [encrypt("x") for _ in range(20)] + encrypt_many(["y"] * 20)
        assert len(derived) == 1
        first_key = development_key()
    with override_settings(FIELD_ENCRYPTION_KEYS="", SECRET_KEY="t" * 50):
        token = encrypt("z")
        assert len(derived) == 2
        with pytest.raises(InvalidToken):
            Fernet(first_key.encode()).decrypt(token.encode())
    assert {Fernet(first_key.encode()).decrypt(t.encode()) for t in tokens} == {b"x", b"y"}


def test_a_key_put_in_the_environment_is_read_after_reset_keys(monkeypatch: Any) -> None:
    key = Fernet.generate_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=None):
        monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", key.decode())
        keys.reset_keys()
        assert Fernet(key).decrypt(encrypt("from the environment").encode()) == b"from the environment"
        monkeypatch.delenv("FIELD_ENCRYPTION_KEYS")
        keys.reset_keys()
        with pytest.raises(InvalidToken):
            Fernet(key).decrypt(encrypt("back to the development key").encode())


@pytest.mark.django_db
def test_a_bulk_insert_encrypts_each_value_apart_and_keeps_empty_values_empty(cast: Cast) -> None:
    at = timezone.now()
    notes = ["Imported from a spreadsheet."] * 3 + ["", "Another note"]
    rows = [
        {"referral_id": cast.chloe_referral.pk, "from_status": "", "to_status": "received", "at": at, "note": note}
        for note in notes
    ]
    before = set(ReferralTransition.objects.values_list("pk", flat=True))
    insert_rows(ReferralTransition, rows)
    new = ReferralTransition.objects.exclude(pk__in=before).order_by("pk")
    assert [t.note for t in new] == notes
    assert {t.at for t in new} == {at}
    stored = raw_column("sourcing_referraltransition", "note", [t.pk for t in new])
    assert stored[3] == ""
    filled = [stored[i] for i in (0, 1, 2, 4)]
    assert all(value.startswith(TOKEN_PREFIX) for value in filled)
    assert len(set(filled)) == 4  # equal notes, distinct ciphertexts


@pytest.mark.django_db
def test_a_bulk_insert_returns_each_rows_id_in_order_and_the_next_row_gets_a_new_one() -> None:
    rows = [
        {"verb": "created", "target_type": "people.person", "target_id": str(n), "details": {"n": n, "source": "x"}}
        for n in range(7)
    ]
    rows[3]["details"] = {}
    ids = insert_rows(AuditEvent, rows, returning=True)
    events = AuditEvent.objects.in_bulk(ids)
    assert [(events[pk].target_id, events[pk].details) for pk in ids] == [
        (row["target_id"], row["details"]) for row in rows
    ]
    assert all(abs(events[pk].at - timezone.now()) < datetime.timedelta(minutes=5) for pk in ids)
    after = AuditEvent.objects.create(verb="created", target_type="people.person", target_id="8")
    assert after.pk > max(ids)  # the sequence moved past the ids drawn
