"""Text encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256), for the few fields whose leak would
harm the person: protection status, referral reasons, coordinator notes.

The database holds only ciphertext, so it cannot filter, sort or group on these columns: any
lookup other than `isnull` and "is empty" (`field=""`) raises at once instead of silently matching
nothing. Filter in Python
after loading the rows (the volumes are one territory's files).
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from binome.lib.encryption.keys import fernet

TOKEN_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80 + timestamp) starts so in base64


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    """The plaintext of a token; a value that is not a token (a row written before the field was
    encrypted) is returned as it is and becomes ciphertext at its next save or `rotate_keys`."""
    if not value.startswith(TOKEN_PREFIX):
        return value
    try:
        return fernet().decrypt(value.encode()).decode()
    except InvalidToken as error:
        raise InvalidToken(
            "An encrypted field cannot be read with the keys in FIELD_ENCRYPTION_KEYS (was a key dropped too early?)"
        ) from error


class EmptyOnlyExact(Exact):
    """`field=""` works (empty values are stored empty); comparing with any other value cannot."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted at rest: "
                "the database can only tell whether it is empty; filter in Python instead."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. Choices still validate (forms and `full_clean`) on the plaintext."""

    encrypted = True
    ALLOWED_LOOKUPS = frozenset({"isnull"})

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name not in self.ALLOWED_LOOKUPS:
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted at rest: the database cannot compare it "
                f"('{lookup_name}'); filter in Python instead."
            )
        return super().get_lookup(lookup_name)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "binome.lib.encryption.fields.EncryptedTextField", args, kwargs
