"""Re-encrypt every encrypted column with the newest key (after a key rotation, or once after a
column became encrypted: rows written in plaintext before are encrypted then), and the
two-factor secrets allauth keeps encrypted (through our MFA adapter) inside its JSON column."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import and_
from typing import Any

from django.apps import apps as global_apps
from django.db import models, transaction
from django.db.models import Case, Q, Value, When

BATCH = 500

# The values of an allauth Authenticator's `data` that allauth passes through the MFA adapter's
# encrypt(): a TOTP key, a recovery-code seed, recovery codes imported from another two-factor
# package. WebAuthn data holds public keys only.
MFA_SECRET_KEYS = ("secret", "seed")
MFA_SECRET_LISTS = ("migrated_codes",)


def encrypted_fields(app_registry: Any = global_apps) -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in app_registry.get_models():
        names = [f.name for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        if names:
            found.append((model, names))
    return found


def _filled(model: type[models.Model], names: list[str]) -> Any:
    """Rows with something in at least one of `names` (empty values are stored as they are)."""
    all_empty = reduce(and_, [Q(**{name: ""}) | Q(**{f"{name}__isnull": True}) for name in names])
    return model._default_manager.exclude(all_empty).only("pk", *names).order_by("pk")


def _in_batches(model: type[models.Model], names: list[str], write: Callable[[list[Any]], object]) -> int:
    """Pass the filled rows to `write` in locked batches, by primary key: memory stays flat on a
    table of a million meetings, and a row edited meanwhile is never overwritten with its older
    value. Each batch commits on its own; a run stopped halfway is simply run again."""
    count, last = 0, None
    while True:
        with transaction.atomic():
            rows = _filled(model, names).select_for_update()
            if last is not None:
                rows = rows.filter(pk__gt=last)
            batch = list(rows[:BATCH])
            if not batch:
                return count
            write(batch)
        count += len(batch)
        last = batch[-1].pk


def reencrypt(model: type[models.Model], names: list[str]) -> int:
    """Read each row (any known key, or legacy plaintext) and write it back under the newest key."""
    return _in_batches(model, names, lambda batch: model._default_manager.bulk_update(batch, names))


def decrypt_in_place(model: type[models.Model], names: list[str]) -> int:
    """Write each row back as plaintext (the way back when a column stops being encrypted)."""

    def write(batch: list[Any]) -> None:
        # A Value typed as a plain TextField skips the encrypted field's get_db_prep_value.
        updates = {
            name: Case(
                *[When(pk=row.pk, then=Value(getattr(row, name), output_field=models.TextField())) for row in batch],
                output_field=models.TextField(),
            )
            for name in names
        }
        model._default_manager.filter(pk__in=[row.pk for row in batch]).update(**updates)

    return _in_batches(model, names, write)


def reencrypt_mfa_secrets(app_registry: Any = global_apps) -> int:
    """The TOTP keys and recovery-code seeds of allauth's authenticators, under the newest key."""
    if not app_registry.is_installed("allauth.mfa"):
        return 0
    from allauth.mfa.utils import decrypt, encrypt  # through settings.MFA_ADAPTER

    authenticator = app_registry.get_model("mfa", "Authenticator")
    count = 0
    with transaction.atomic():
        # Locked: a recovery code used meanwhile must not lose its `used_mask` update.
        for row in authenticator._default_manager.select_for_update().order_by("pk"):
            data = dict(row.data)
            changed = False
            for key in MFA_SECRET_KEYS:
                if isinstance(data.get(key), str):
                    data[key] = encrypt(decrypt(data[key]))
                    changed = True
            for key in MFA_SECRET_LISTS:
                if isinstance(data.get(key), list):
                    data[key] = [encrypt(decrypt(value)) for value in data[key]]
                    changed = True
            if changed:
                row.data = data
                row.save(update_fields=["data"])
                count += 1
    return count


def reencrypt_all(app_registry: Any = global_apps) -> dict[str, int]:
    counts = {model._meta.label: reencrypt(model, names) for model, names in encrypted_fields(app_registry)}
    counts["mfa.Authenticator"] = reencrypt_mfa_secrets(app_registry)
    return counts


def migration_operation(app_label: str, model_name: str, *names: str) -> Any:
    """The RunPython a migration uses to encrypt the rows that were plaintext before it; reversed,
    it writes them back as plaintext (before the field turns back into a plain TextField)."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        reencrypt(apps.get_model(app_label, model_name), list(names))

    def backward(apps: Any, schema_editor: Any) -> None:
        decrypt_in_place(apps.get_model(app_label, model_name), list(names))

    return migrations.RunPython(forward, backward)
