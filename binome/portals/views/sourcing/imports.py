"""Staff page for spreadsheet imports: upload → checked once in the worker → preview → confirm.

The flow, the storage of the waiting upload and its checked rows live in
binome/sourcing/importing/pending.py; this page only shows them. While the worker checks the file
the preview page refreshes itself (a meta refresh: no script, works without JavaScript).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binome.lib.forms import BinomeForm
from binome.organisations.models import Organisation
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user
from binome.sourcing.importing import pending as pending_imports
from binome.sourcing.importing import template_bytes
from binome.sourcing.importing.columns import COLUMNS
from binome.sourcing.importing.pending import pending_dir
from binome.sourcing.importing.reading import limits, too_large_message
from binome.sourcing.models import PendingImport
from binome.territories.selectors import territories_visible_to

__all__ = ["pending_dir", "preview", "template", "upload"]

PREVIEW_ROWS = 300
REFRESH_SECONDS = 2
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def importable_partners(user: Any) -> QuerySet[Organisation]:
    """Partners (NGOs, public bodies) of the territories the user coordinates; all for national admins."""
    territories = territories_visible_to(user)
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
        max_bytes = limits().max_bytes
        if upload.size > max_bytes:  # before reading a byte of it
            raise forms.ValidationError(too_large_message(max_bytes))
        return upload


def _pending(request: HttpRequest, token: str) -> PendingImport:
    """The waiting upload, only for its uploader and only while the partner is still in their scope."""
    if not pending_imports.TOKEN.match(token):
        raise Http404
    pending = get_object_or_404(PendingImport.objects.select_related("partner"), token=token, uploaded_by=request.user)
    get_object_or_404(importable_partners(request.user), pk=pending.partner_id)
    return pending


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
        pending = pending_imports.create(
            upload_file.read(), user=request.user, partner=partner, filename=upload_file.name
        )
        return redirect("sourcing:import_preview", token=pending.token)
    return render(
        request,
        "portals/sourcing/imports/upload.html",
        {"form": form, "columns": COLUMNS, "has_partners": bool(partners), "max_mb": limits().max_bytes // 2**20},
    )


@staff_only
def preview(request: HttpRequest, token: str) -> HttpResponse:
    pending = _pending(request, token)
    if request.method == "POST" and "cancel" in request.POST:
        pending_imports.discard(pending)
        messages.info(request, _("The import was cancelled; nothing was saved."))
        return redirect("sourcing:imports")
    context: dict[str, Any] = {"pending": pending, "partner": pending.partner, "filename": pending.filename}
    if pending.status != PendingImport.Status.READY:
        failed = pending.status == PendingImport.Status.FAILED or pending_imports.stalled(pending)
        context |= {"failed": failed, "refresh": REFRESH_SECONDS}
        response = render(request, "portals/sourcing/imports/checking.html", context)
        if not failed:
            # The Refresh header, as a meta refresh would: no script (the CSP allows none inline),
            # and it works without JavaScript.
            response["Refresh"] = str(REFRESH_SECONDS)
        return response
    if request.method == "POST":
        result = pending_imports.confirm(pending, actor=acting_user(request))
        if result is None:
            raise Http404  # imported or cancelled meanwhile (a second click)
        if result.saved:
            messages.success(
                request,
                _("Imported for %(partner)s: %(created)d created, %(updated)d updated, %(skipped)d skipped.")
                % {
                    "partner": pending.partner.name,
                    "created": result.created,
                    "updated": result.updated,
                    "skipped": result.skipped,
                },
            )
            return redirect("sourcing:imports")
    else:
        result = pending_imports.stored_result(pending)
        if result is None:
            raise Http404
    rows_by_action = {
        action: [row for row in result.rows if row.action == action][:PREVIEW_ROWS]
        for action in ("create", "update", "skip")
    }
    return render(
        request,
        "portals/sourcing/imports/preview.html",
        context | {"result": result, "token": token, "rows_by_action": rows_by_action, "preview_rows": PREVIEW_ROWS},
    )


@staff_only
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(template_bytes(kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="binome-referrals-template.{kind}"'
    return response
