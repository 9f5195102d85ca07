"""`check --deploy` fails when production would encrypt with a key derived from SECRET_KEY."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.checks import Error, Tags, register

from binome.lib.encryption.keys import configured_keys


@register(Tags.security, deploy=True)
def field_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    keys = configured_keys()
    if not keys:
        return [
            Error(
                "FIELD_ENCRYPTION_KEYS is not set: sensitive fields are encrypted with a key derived from SECRET_KEY.",
                hint="Set FIELD_ENCRYPTION_KEYS to one or more Fernet keys, comma-separated, newest first.",
                id="privacy.E001",
            )
        ]
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(Error(f"FIELD_ENCRYPTION_KEYS: key #{position} is not a Fernet key.", id="privacy.E002"))
    return errors
