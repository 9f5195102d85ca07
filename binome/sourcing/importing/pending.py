"""Uploads waiting on the staff import page: upload → read by the worker → columns matched by the
user → checked by the worker → preview → confirm.

The uploaded bytes wait in IMPORT_PENDING_DIR in a file named by a random token, beside a
`PendingImport` row saying who uploaded it for which partner and where its check stands. The
worker reads the file once (`run_check`, from `tasks.check_referral_import`), stores its table
as JSON and deletes the upload; the user matches its columns to Binôme's fields
(`set_mapping`, remembered for the partner: importing/mapping.py), and the worker checks the
stored table with that mapping, storing the preview and the checked rows as JSON next to it: a
preview reload reads the stored result and parses nothing; confirming saves the stored rows
(matched again against the database as it is then). The token alone opens nothing (the page checks the uploader
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
from binome.sourcing.importing.mapping import remember
from binome.sourcing.importing.reading import Table, UnreadableFile, read_table
from binome.sourcing.importing.service import ImportResult, Row, RowError, RowOutcome, check_table, save_rows
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
    for suffix in (".data", ".table.json", ".result.json", ".rows.json"):
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
    """The worker's part: read the upload once (then the user matches its columns), or check the
    table read with the columns matched; store what the next page needs."""
    claimed = PendingImport.objects.filter(pk=pending_id, status=PendingImport.Status.QUEUED).update(
        status=PendingImport.Status.CHECKING
    )
    if not claimed:
        return "gone"  # swept, cancelled or already checked
    pending = PendingImport.objects.select_related("partner", "uploaded_by").get(pk=pending_id)
    try:
        return _read(pending) if pending.mapping is None else _check(pending)
    except Exception:
        PendingImport.objects.filter(pk=pending_id).update(status=PendingImport.Status.FAILED)
        raise  # the worker keeps the traceback; the page says the file could not be checked


def _read(pending: PendingImport) -> str:
    try:
        data = _path(pending.token, ".data").read_bytes()
    except OSError:
        PendingImport.objects.filter(pk=pending.pk).update(status=PendingImport.Status.FAILED)
        return "missing"
    try:
        table = read_table(data, pending.filename)
    except UnreadableFile as error:  # nothing to match: the preview says why
        result = ImportResult(partner=pending.partner, dry_run=True, errors=[RowError(0, "", str(error))])
        _store_checked(pending, result, [])
        return "unreadable"
    _write(_path(pending.token, ".table.json"), json.dumps(_table_to_json(table)).encode())
    _path(pending.token, ".data").unlink(missing_ok=True)  # nothing parses it again
    PendingImport.objects.filter(pk=pending.pk).update(status=PendingImport.Status.MAPPING, rows=len(table.rows))
    return "read"


def _check(pending: PendingImport) -> str:
    table = stored_table(pending)
    if table is None:
        PendingImport.objects.filter(pk=pending.pk).update(status=PendingImport.Status.FAILED)
        return "missing"
    mapping = {int(index): key for index, key in (pending.mapping or {}).items()}
    checked = check_table(table, partner=pending.partner, actor=pending.uploaded_by, mapping=mapping)
    _store_checked(pending, checked.result, checked.rows)
    return "ready"


def _store_checked(pending: PendingImport, result: ImportResult, rows: list[Row]) -> None:
    _write(_path(pending.token, ".rows.json"), json.dumps([_row_to_json(row) for row in rows]).encode())
    _write(_path(pending.token, ".result.json"), json.dumps(_result_to_json(result)).encode())
    _path(pending.token, ".data").unlink(missing_ok=True)
    PendingImport.objects.filter(pk=pending.pk).update(
        status=PendingImport.Status.READY, rows=len(result.rows), checked_at=timezone.now()
    )


def stored_table(pending: PendingImport) -> Table | None:
    """The file as the worker read it (headers and cells); None once swept."""
    try:
        stored = json.loads(_path(pending.token, ".table.json").read_text())
    except (OSError, ValueError):
        return None
    return Table(
        headers=stored["headers"],
        rows=[(line, [_cell_from_json(cell) for cell in cells]) for line, cells in stored["rows"]],
        warnings=stored["warnings"],
    )


def set_mapping(pending: PendingImport, mapping: dict[int, str], *, user: Any) -> None:
    """The user's matching of the columns: remembered for the partner, then the check is queued."""
    from binome.sourcing.tasks import check_referral_import

    table = stored_table(pending)
    if table is not None:
        remember(pending.partner, table.headers, mapping, user=user)
    updated = PendingImport.objects.filter(pk=pending.pk, status=PendingImport.Status.MAPPING).update(
        mapping={str(index): key for index, key in mapping.items()}, status=PendingImport.Status.QUEUED
    )
    if updated:
        transaction.on_commit(lambda: check_referral_import.enqueue(pending.pk))


def back_to_mapping(pending: PendingImport) -> bool:
    """From the preview, back to matching the columns (the table is still stored)."""
    if not _path(pending.token, ".table.json").exists():
        return False
    for suffix in (".result.json", ".rows.json"):
        _path(pending.token, suffix).unlink(missing_ok=True)
    return bool(
        PendingImport.objects.filter(pk=pending.pk, status=PendingImport.Status.READY).update(
            status=PendingImport.Status.MAPPING
        )
    )


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


def _table_to_json(table: Table) -> dict[str, Any]:
    return {
        "headers": table.headers,
        "rows": [[line, [_cell_to_json(cell) for cell in cells]] for line, cells in table.rows],
        "warnings": table.warnings,
    }


def _cell_to_json(cell: Any) -> Any:
    if isinstance(cell, datetime.datetime):
        return {"datetime": cell.isoformat()}
    if isinstance(cell, datetime.date):
        return {"date": cell.isoformat()}
    return cell


def _cell_from_json(cell: Any) -> Any:
    if isinstance(cell, dict):
        if "datetime" in cell:
            return datetime.datetime.fromisoformat(cell["datetime"])
        return datetime.date.fromisoformat(cell["date"])
    return cell


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
