"""Text encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256), for the few fields whose leak would
harm the person: protection status, referral reasons, coordinator notes.

The database holds only ciphertext, so it cannot filter, sort or group on these columns: any
lookup other than `isnull` and "is empty" (`field=""`) raises at once instead of silently matching
nothing. Filter in Python
after loading the rows (the volumes are one territory's files).
"""

from __future__ import annotations

import base64
import hmac
import os
import struct
import time
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from binome.lib.encryption.keys import fernet, newest_key_parts

TOKEN_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80 + timestamp) starts so in base64
FERNET_VERSION = b"\x80"
BLOCK = 16  # AES block size, in bytes: the IV's length and the padding's unit


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def encrypt_many(values: Sequence[str]) -> list[str]:
    """`encrypt` for many values at once (a bulk insert): the same Fernet tokens, any key of
    FIELD_ENCRYPTION_KEYS' decrypts them, at about half the cost each.

    `Fernet.encrypt` rebuilds its cipher objects, its padder and its HMAC for every value; here the
    newest key is split once, the random IVs are drawn in one call, and each token is made as the
    Fernet specification says (https://github.com/fernet/spec/blob/master/Spec.md): version byte,
    timestamp, IV, AES-128-CBC ciphertext of the PKCS7-padded text, then HMAC-SHA256 of all that.
    Each value still has its own random IV, so equal texts never give equal tokens.
    """
    if not values:
        return []
    keys = newest_key_parts()
    aes = algorithms.AES(keys.encryption)
    header = FERNET_VERSION + struct.pack(">Q", int(time.time()))
    ivs = os.urandom(BLOCK * len(values))
    tokens = []
    for position, value in enumerate(values):
        data = value.encode()
        padding = BLOCK - len(data) % BLOCK  # PKCS7: always 1 to 16 bytes, each holding the count
        iv = ivs[position * BLOCK : (position + 1) * BLOCK]
        encryptor = Cipher(aes, modes.CBC(iv)).encryptor()
        signed = header + iv + encryptor.update(data + bytes([padding]) * padding) + encryptor.finalize()
        tokens.append(base64.urlsafe_b64encode(signed + hmac.digest(keys.signing, signed, "sha256")).decode())
    return tokens


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

    def get_db_prep_save_many(self, values: Sequence[Any], connection: Any) -> list[Any]:
        """`get_db_prep_save` of a whole column (`binome.lib.bulk.insert_rows`): one batch of
        encryption for its filled values; empty ones stay empty, as one by one."""
        prepared = [
            value if hasattr(value, "as_sql") else models.TextField.get_db_prep_value(self, value, connection, False)
            for value in values
        ]
        filled = [position for position, value in enumerate(prepared) if isinstance(value, str) and value != ""]
        for position, token in zip(filled, encrypt_many([str(prepared[p]) for p in filled]), strict=True):
            prepared[position] = token
        return prepared

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
