"""Uploads waiting on the staff import page: upload → checked once by the worker → preview → confirm.

The uploaded bytes wait in IMPORT_PENDING_DIR in a file named by a random token, beside a
`PendingImport` row saying who uploaded it for which partner and where its check stands. The
worker reads and checks the file once (`run_check`, from `tasks.check_referral_import`), stores
the preview and the checked rows as JSON next to it and deletes the upload: a preview reload
reads the stored result and parses nothing; confirming saves the stored rows (matched again
against the database as it is then). The token alone opens nothing (the page checks the uploader
and the partner's scope again); uploads older than a day are swept at the next upload.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from binome.accounts.actors import Actor
from binome.organisations.models import Organisation
from binome.sourcing.importing.service import ImportResult, Row, RowError, RowOutcome, check_file, save_rows
from binome.sourcing.models import PendingImport

PENDING_TTL_SECONDS = 24 * 3600
STALLED_AFTER = datetime.timedelta(minutes=30)  # a check still not done by then is reported as failed
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
DATE_FIELDS = {"date_of_birth", "arrival_date", "consent_date"}


def pending_dir() -> Path:
    directory = Path(settings.IMPORT_PENDING_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _path(token: str, suffix: str) -> Path:
    return pending_dir() / f"{token}{suffix}"


def _write(path: Path, content: bytes) -> None:
    """Whole or not at all: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _discard_files(token: str) -> None:
    for suffix in (".data", ".result.json", ".rows.json"):
        _path(token, suffix).unlink(missing_ok=True)


def sweep() -> None:
    """Forget uploads older than a day: their rows and their files."""
    cutoff = timezone.now() - datetime.timedelta(seconds=PENDING_TTL_SECONDS)
    for token in PendingImport.objects.filter(created_at__lt=cutoff).values_list("token", flat=True):
        _discard_files(token)
    PendingImport.objects.filter(created_at__lt=cutoff).delete()
    oldest = time.time() - PENDING_TTL_SECONDS
    for path in pending_dir().iterdir():
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except OSError:
            continue  # swept by a concurrent request


def create(data: bytes, *, user: Any, partner: Organisation, filename: str) -> PendingImport:
    """Keep the upload and queue its check in the worker; the page shows the status meanwhile."""
    from binome.sourcing.tasks import check_referral_import

    sweep()
    token = secrets.token_urlsafe(24)
    _write(_path(token, ".data"), data)
    pending = PendingImport.objects.create(
        token=token, uploaded_by=user, partner=partner, filename=Path(filename).name[:200], size=len(data)
    )
    transaction.on_commit(lambda: check_referral_import.enqueue(pending.pk))
    return pending


def run_check(pending_id: int) -> str:
    """Read and check the upload once, store what the preview and the confirmation need."""
    claimed = PendingImport.objects.filter(pk=pending_id, status=PendingImport.Status.QUEUED).update(
        status=PendingImport.Status.CHECKING
    )
    if not claimed:
        return "gone"  # swept, cancelled or already checked
    pending = PendingImport.objects.select_related("partner", "uploaded_by").get(pk=pending_id)
    try:
        data = _path(pending.token, ".data").read_bytes()
    except OSError:
        PendingImport.objects.filter(pk=pending_id).update(status=PendingImport.Status.FAILED)
        return "missing"
    try:
        checked = check_file(data, pending.filename, partner=pending.partner, actor=pending.uploaded_by)
    except Exception:
        PendingImport.objects.filter(pk=pending_id).update(status=PendingImport.Status.FAILED)
        raise  # the worker keeps the traceback; the page says the file could not be checked
    _write(_path(pending.token, ".rows.json"), json.dumps([_row_to_json(row) for row in checked.rows]).encode())
    _write(_path(pending.token, ".result.json"), json.dumps(_result_to_json(checked.result)).encode())
    _path(pending.token, ".data").unlink(missing_ok=True)  # nothing parses it again
    PendingImport.objects.filter(pk=pending_id).update(
        status=PendingImport.Status.READY, rows=len(checked.result.rows), checked_at=timezone.now()
    )
    return "ready"


def stalled(pending: PendingImport) -> bool:
    return pending.status in {PendingImport.Status.QUEUED, PendingImport.Status.CHECKING} and (
        pending.created_at < timezone.now() - STALLED_AFTER
    )


def stored_result(pending: PendingImport) -> ImportResult | None:
    """The preview as the worker stored it; None when it is gone (swept)."""
    try:
        stored = json.loads(_path(pending.token, ".result.json").read_text())
    except (OSError, ValueError):
        return None
    result = ImportResult(partner=pending.partner, dry_run=True, warnings=list(stored["warnings"]))
    result.rows = [RowOutcome(**row) for row in stored["rows"]]
    result.errors = [RowError(**error) for error in stored["errors"]]
    return result


def confirm(pending: PendingImport, *, actor: Actor) -> ImportResult | None:
    """Save the stored rows, once: a second confirmation finds nothing (None)."""
    with transaction.atomic():
        locked = (
            PendingImport.objects.select_for_update()
            .select_related("partner")
            .filter(pk=pending.pk, status=PendingImport.Status.READY)
            .first()
        )
        if locked is None:
            return None
        result = stored_result(locked)
        if result is None:
            return None
        if result.errors:
            return result
        try:
            rows = [_row_from_json(item) for item in json.loads(_path(locked.token, ".rows.json").read_text())]
        except (OSError, ValueError):
            return None
        result = save_rows(rows, partner=locked.partner, actor=actor)
        if result.saved:
            token = locked.token
            locked.delete()
            transaction.on_commit(lambda: _discard_files(token))
    return result


def discard(pending: PendingImport) -> None:
    _discard_files(pending.token)
    PendingImport.objects.filter(pk=pending.pk).delete()


def _result_to_json(result: ImportResult) -> dict[str, Any]:
    return {
        "rows": [asdict(row) for row in result.rows],
        "errors": [asdict(error) for error in result.errors],
        "warnings": list(result.warnings),
    }


def _row_to_json(row: Row) -> dict[str, Any]:
    return {
        item.name: (value.isoformat() if isinstance(value := getattr(row, item.name), datetime.date) else value)
        for item in fields(Row)
    }


def _row_from_json(item: dict[str, Any]) -> Row:
    values: dict[str, Any] = {
        name: datetime.date.fromisoformat(value) if name in DATE_FIELDS and value else value
        for name, value in item.items()
    }
    return Row(**values)
