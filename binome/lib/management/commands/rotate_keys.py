"""Re-encrypt every encrypted column, and the two-factor secrets, under the newest key of
FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from binome.lib.encryption.rotation import reencrypt_all


class Command(BaseCommand):
    help = (
        "Re-encrypt all encrypted fields and two-factor secrets with the newest key. Rotate a key: "
        "put the new key first in FIELD_ENCRYPTION_KEYS (comma-separated), run this command, then "
        "remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in reencrypt_all().items():
            self.stdout.write(f"{label}: {count} rows re-encrypted")
