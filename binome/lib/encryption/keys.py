"""The keys of the encrypted fields.

`FIELD_ENCRYPTION_KEYS` (a setting, or the environment variable of that name) lists Fernet keys,
comma-separated, newest first: the newest encrypts, all of them decrypt, so a key is rotated by
putting a new one in front, running `python manage.py rotate_keys`, then dropping the old one.
Generate a key with
`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.

Without any key (development, tests, the demo) one is derived from SECRET_KEY, so the two-command
set-up needs no manual step; `check --deploy` reports an error if production runs that way.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def configured_keys() -> list[str]:
    raw = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or os.environ.get("FIELD_ENCRYPTION_KEYS", "")
    if isinstance(raw, str):
        raw = raw.split(",")
    return [key.strip() for key in raw if key and key.strip()]


def development_key() -> str:
    digest = hashlib.sha256(b"binome-field-encryption|" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def current_keys() -> tuple[str, ...]:
    return tuple(configured_keys() or [development_key()])


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    """The MultiFernet of the current keys (cached per key list, so tests can override settings)."""
    return _fernet(current_keys())
