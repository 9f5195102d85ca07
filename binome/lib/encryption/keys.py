"""The keys of the encrypted fields.

`FIELD_ENCRYPTION_KEYS` (a setting, or the environment variable of that name) lists Fernet keys,
comma-separated, newest first: the newest encrypts, all of them decrypt, so a key is rotated by
putting a new one in front, running `python manage.py rotate_keys`, then dropping the old one.
Generate a key with
`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.

Without any key (development, tests, the demo) one is derived from SECRET_KEY, so the two-command
set-up needs no manual step; `check --deploy` reports an error if production runs that way.

The keys are read and derived once per process: every encrypted value written or read goes
through them, and re-reading the environment and re-hashing SECRET_KEY each time was most of an
import's encryption cost. Settings do not change in a running process, except in tests:
`override_settings` of either setting resets the cache (the `setting_changed` receiver below),
and `reset_keys()` does it by hand (after changing the environment variable, say).
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# The settings the keys are derived from: changing either in a test must not leave stale keys.
KEY_SETTINGS = frozenset({"FIELD_ENCRYPTION_KEYS", "SECRET_KEY"})


def configured_keys() -> list[str]:
    """The keys as configured now (read afresh: `check --deploy` judges the configuration itself)."""
    raw = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or os.environ.get("FIELD_ENCRYPTION_KEYS", "")
    if isinstance(raw, str):
        raw = raw.split(",")
    return [key.strip() for key in raw if key and key.strip()]


def development_key() -> str:
    digest = hashlib.sha256(b"binome-field-encryption|" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@cache
def current_keys() -> tuple[str, ...]:
    """The keys in use, newest first (cached: see the module's docstring)."""
    return tuple(configured_keys() or [development_key()])


@dataclass(frozen=True)
class KeyParts:
    """The newest key split as the Fernet specification splits it: the first half signs
    (HMAC-SHA256), the second encrypts (AES-128-CBC)."""

    signing: bytes
    encryption: bytes


@cache
def fernet() -> MultiFernet:
    """The MultiFernet of the current keys: the newest encrypts, any of them decrypts."""
    return MultiFernet([Fernet(key.encode()) for key in current_keys()])


@cache
def newest_key_parts() -> KeyParts:
    """The newest key's two halves, for writing many tokens at once (`fields.encrypt_many`)."""
    raw = base64.urlsafe_b64decode(current_keys()[0].encode())
    if len(raw) != 32:
        raise ValueError("FIELD_ENCRYPTION_KEYS: the newest key is not a Fernet key (32 url-safe base64 bytes).")
    return KeyParts(signing=raw[:16], encryption=raw[16:])


def reset_keys() -> None:
    """Forget the keys read so far: the next encryption reads the configuration again."""
    current_keys.cache_clear()
    fernet.cache_clear()
    newest_key_parts.cache_clear()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting in KEY_SETTINGS:
        reset_keys()
