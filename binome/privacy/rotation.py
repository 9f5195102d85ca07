"""Re-encrypt every encrypted column with the newest key (after a key rotation, or once after a
column became encrypted: rows written in plaintext before are encrypted then)."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.db import models, transaction

BATCH = 500


def encrypted_fields(app_registry: Any = global_apps) -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in app_registry.get_models():
        names = [f.name for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        if names:
            found.append((model, names))
    return found


def reencrypt(model: type[models.Model], names: list[str]) -> int:
    """Read each row (any known key, or legacy plaintext) and write it back under the newest key."""
    count = 0
    with transaction.atomic():
        rows = list(model._default_manager.only("pk", *names).order_by("pk"))
        for start in range(0, len(rows), BATCH):
            model._default_manager.bulk_update(rows[start : start + BATCH], names)
        count = len(rows)
    return count


def reencrypt_all(app_registry: Any = global_apps) -> dict[str, int]:
    return {model._meta.label: reencrypt(model, names) for model, names in encrypted_fields(app_registry)}


def migration_operation(app_label: str, model_name: str, *names: str) -> Any:
    """The RunPython a migration uses to encrypt the rows that were plaintext before it."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        reencrypt(apps.get_model(app_label, model_name), list(names))

    return migrations.RunPython(forward, migrations.RunPython.noop)
