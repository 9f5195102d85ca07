"""Staff page for spreadsheet imports: upload → preview (a dry run) → confirm.

Between preview and confirm the uploaded bytes wait on the server, in a file named by a
random token, beside a note of who uploaded it for which partner; the token alone opens
nothing (the page checks the uploader and the partner's territory again), and files older
than a day are swept at the next upload.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binome.accounts import access
from binome.lib.forms import BinomeForm
from binome.organisations.models import Organisation
from binome.portals.decorators import staff_only
from binome.sourcing.importing import import_referrals, template_bytes
from binome.sourcing.importing.columns import COLUMNS
from binome.sourcing.importing.reading import MAX_BYTES

PENDING_TTL_SECONDS = 24 * 3600
PREVIEW_ROWS = 300
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def pending_dir() -> Path:
    directory = Path(settings.IMPORT_PENDING_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def importable_partners(user: Any) -> QuerySet[Organisation]:
    """Partners (NGOs, public bodies) of the territories the user coordinates; all for national admins."""
    territories = access.territories_visible_to(user)
    return Organisation.objects.filter(
        kind__in=[Organisation.Kind.NGO, Organisation.Kind.PUBLIC_INSTITUTION], territory__in=territories
    ).select_related("territory")


class UploadForm(BinomeForm):
    partner = forms.IntegerField(label=gettext_lazy("Partner"), widget=forms.Select)
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB: split it.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _sweep(directory: Path) -> None:
    cutoff = time.time() - PENDING_TTL_SECONDS
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue  # swept by a concurrent request


def _store(data: bytes, *, user: Any, partner: Organisation, filename: str) -> str:
    directory = pending_dir()
    _sweep(directory)
    token = secrets.token_urlsafe(24)
    (directory / f"{token}.data").write_bytes(data)
    note = {"user": user.pk, "partner": partner.pk, "filename": Path(filename).name[:200]}
    (directory / f"{token}.json").write_text(json.dumps(note))
    return token


def _pending(request: HttpRequest, token: str) -> tuple[bytes, Organisation, str]:
    """The waiting upload, only for its uploader and only while the partner is still in their scope."""
    if not TOKEN.match(token):
        raise Http404
    directory = pending_dir()
    try:
        note = json.loads((directory / f"{token}.json").read_text())
        data = (directory / f"{token}.data").read_bytes()
    except (OSError, ValueError) as error:
        raise Http404 from error
    if note.get("user") != request.user.pk:
        raise Http404
    partner = get_object_or_404(importable_partners(request.user), pk=note.get("partner"))
    return data, partner, str(note.get("filename", "upload.csv"))


def _discard(token: str) -> None:
    for suffix in (".data", ".json"):
        (pending_dir() / f"{token}{suffix}").unlink(missing_ok=True)


@staff_only
def upload(request: HttpRequest) -> HttpResponse:
    partners = list(importable_partners(request.user).order_by("territory__name", "name"))
    form = UploadForm(request.POST or None, request.FILES or None)
    widget = form.fields["partner"].widget
    assert isinstance(widget, forms.Select)
    widget.choices = [("", "—")] + [(p.pk, f"{p.name} ({p.territory})") for p in partners]
    if request.method == "POST" and form.is_valid():
        # Another territory's partner is "not found", like any record out of scope.
        partner = get_object_or_404(importable_partners(request.user), pk=form.cleaned_data["partner"])
        upload_file = form.cleaned_data["file"]
        token = _store(upload_file.read(), user=request.user, partner=partner, filename=upload_file.name)
        return redirect("staff_import_preview", token=token)
    return render(
        request,
        "portals/staff/imports/upload.html",
        {"form": form, "columns": COLUMNS, "has_partners": bool(partners)},
    )


@staff_only
def preview(request: HttpRequest, token: str) -> HttpResponse:
    data, partner, filename = _pending(request, token)
    if request.method == "POST" and "cancel" in request.POST:
        _discard(token)
        messages.info(request, _("The import was cancelled; nothing was saved."))
        return redirect("staff_imports")
    confirm = request.method == "POST"
    result = import_referrals(data, filename, partner=partner, actor=request.user, dry_run=not confirm)
    if confirm and result.saved:
        _discard(token)
        messages.success(
            request,
            _("Imported for %(partner)s: %(created)d created, %(updated)d updated, %(skipped)d skipped.")
            % {
                "partner": partner.name,
                "created": result.created,
                "updated": result.updated,
                "skipped": result.skipped,
            },
        )
        return redirect("staff_imports")
    rows_by_action = {
        action: [row for row in result.rows if row.action == action][:PREVIEW_ROWS]
        for action in ("create", "update", "skip")
    }
    return render(
        request,
        "portals/staff/imports/preview.html",
        {
            "result": result,
            "partner": partner,
            "filename": filename,
            "token": token,
            "rows_by_action": rows_by_action,
            "preview_rows": PREVIEW_ROWS,
        },
        status=200,
    )


@staff_only
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(template_bytes(kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="binome-referrals-template.{kind}"'
    return response
