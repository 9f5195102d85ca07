"""Staff page for spreadsheet imports: upload → read in the worker → columns matched → checked in
the worker → preview → confirm → a link to the imported referrals on the screening board.

The flow, the storage of the waiting upload and its checked rows live in
binome/sourcing/importing/pending.py; this page only shows them. While the worker reads or checks
the file the page refreshes itself (a Refresh header: no script, works without JavaScript).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binome.lib.forms import BinomeForm
from binome.organisations.models import Organisation
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user
from binome.sourcing.forms_import import ColumnMappingForm
from binome.sourcing.importing import pending as pending_imports
from binome.sourcing.importing import template_bytes
from binome.sourcing.importing.columns import BY_KEY, COLUMNS
from binome.sourcing.importing.mapping import suggest
from binome.sourcing.importing.pending import pending_dir
from binome.sourcing.importing.reading import limits, too_large_message
from binome.sourcing.importing.service import ImportResult, column_letter
from binome.sourcing.models import PendingImport
from binome.sourcing.selectors import referrals_visible_to
from binome.territories.selectors import territories_visible_to

__all__ = ["done", "pending_dir", "preview", "template", "upload"]

PREVIEW_ROWS = 300
REFRESH_SECONDS = 2
ACCEPTED = ".csv,.xlsx,.xls,.ods,text/csv"
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
        label=gettext_lazy("Spreadsheet (CSV, XLSX, XLS or ODS)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        max_bytes = limits().max_bytes
        if upload.size > max_bytes:  # before reading a byte of it
            raise forms.ValidationError(too_large_message(max_bytes))
        return upload


def _pending(request: HttpRequest, token: str) -> PendingImport | None:
    """The waiting upload, only for its uploader and only while the partner is still in their scope."""
    if not pending_imports.TOKEN.match(token):
        return None
    pending = (
        PendingImport.objects.select_related("partner").filter(token=token, uploaded_by_id=request.user.pk).first()
    )
    if pending is None or not importable_partners(request.user).filter(pk=pending.partner_id).exists():
        return None
    return pending


def _gone(request: HttpRequest) -> HttpResponse:
    """An import imported, cancelled, expired or someone else's: a page that says so (404)."""
    return render(request, "portals/sourcing/imports/gone.html", status=404)


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
    if pending is None:
        return _gone(request)
    if request.method == "POST" and "cancel" in request.POST:
        pending_imports.discard(pending)
        messages.info(request, _("The import was cancelled; nothing was saved."))
        return redirect("sourcing:imports")
    context: dict[str, Any] = {"pending": pending, "partner": pending.partner, "filename": pending.filename}
    if pending.status == PendingImport.Status.MAPPING:
        return _mapping(request, pending, context)
    if pending.status != PendingImport.Status.READY:
        failed = pending.status == PendingImport.Status.FAILED or pending_imports.stalled(pending)
        context |= {"failed": failed, "refresh": REFRESH_SECONDS}
        response = render(request, "portals/sourcing/imports/checking.html", context)
        if not failed:
            # The Refresh header, as a meta refresh would: no script (the CSP allows none inline),
            # and it works without JavaScript.
            response["Refresh"] = str(REFRESH_SECONDS)
        return response
    if request.method == "POST" and "remap" in request.POST:
        pending_imports.back_to_mapping(pending)
        return redirect("sourcing:import_preview", token=token)
    if request.method == "POST":
        result = pending_imports.confirm(pending, actor=acting_user(request))
        if result is None:
            return _gone(request)  # imported or cancelled meanwhile (a second click)
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
            return redirect(reverse("sourcing:import_done") + f"?import_batch={result.batch}")
    else:
        result = pending_imports.stored_result(pending)
        if result is None:
            return _gone(request)
    return render(request, "portals/sourcing/imports/preview.html", context | _preview_context(pending, result))


def _preview_context(pending: PendingImport, result: ImportResult) -> dict[str, Any]:
    rows_by_action = {
        action: [row for row in result.rows if row.action == action][:PREVIEW_ROWS]
        for action in ("create", "update", "skip")
    }
    for rows in rows_by_action.values():
        for row in rows:  # the fields' names in the user's language, not the code's
            row.changed = [_field_label(key) for key in row.changed]
    return {
        "result": result,
        "token": pending.token,
        "rows_by_action": rows_by_action,
        "preview_rows": PREVIEW_ROWS,
        "mapped": _mapped_columns(pending),
    }


def _field_label(key: str) -> str:
    if key in BY_KEY:
        return str(BY_KEY[key].label)
    return {"home_id": _("home town"), "consent": _("consent date")}.get(key, key)


def _mapped_columns(pending: PendingImport) -> list[tuple[str, str]]:
    """(header in the file, Binôme's field) for each column the import reads, in the file's order."""
    table = pending_imports.stored_table(pending)
    if table is None or pending.mapping is None:
        return []
    return [
        (table.headers[int(index)] or column_letter(int(index)), str(BY_KEY[key].label))
        for index, key in sorted(pending.mapping.items(), key=lambda item: int(item[0]))
        if key in BY_KEY and int(index) < len(table.headers)
    ]


def _mapping(request: HttpRequest, pending: PendingImport, context: dict[str, Any]) -> HttpResponse:
    """The mapping step: one select per column of the file, proposed from the partner's last imports
    and the headers' names; confirmed, the file is checked with it."""
    table = pending_imports.stored_table(pending)
    if table is None:
        return _gone(request)
    form = ColumnMappingForm(
        request.POST if request.method == "POST" else None,
        headers=table.headers,
        initial_mapping=suggest(table.headers, pending.partner),
    )
    if request.method == "POST" and form.is_valid():
        pending_imports.set_mapping(pending, form.mapping(), user=request.user)
        return redirect("sourcing:import_preview", token=pending.token)
    samples = [cells for _line, cells in table.rows[:3]]
    columns = [
        (form[f"column_{index}"], [_sample(cells, index) for cells in samples]) for index in range(len(table.headers))
    ]
    return render(
        request,
        "portals/sourcing/imports/mapping.html",
        context | {"form": form, "columns": columns, "rows": len(table.rows)},
    )


def _sample(cells: list[Any], index: int) -> str:
    value = cells[index] if index < len(cells) else None
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    return str(value)[:40]


@staff_only
def done(request: HttpRequest) -> HttpResponse:
    """After an import: how many referrals it created, and the way to them on the screening board."""
    batch = request.GET.get("import_batch", "")
    if not (batch.isascii() and batch.isalnum()):
        batch = ""
    count = referrals_visible_to(request.user).filter(import_batch=batch).count() if batch else 0
    return render(request, "portals/sourcing/imports/done.html", {"batch": batch if count else "", "count": count})


@staff_only
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(template_bytes(kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="binome-referrals-template.{kind}"'
    return response
