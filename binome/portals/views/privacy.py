"""Privacy pages: a person's access history, subject-access export and erasure (staff of the
person's territory), the processing register and the breach register (national admins)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.audit import audit
from binome.people.selectors import people_visible_to, person_file
from binome.portals.decorators import section, staff_only
from binome.portals.helpers import account_of, acting_user
from binome.privacy import erasure, register, selectors
from binome.privacy.export import build_zip
from binome.privacy.forms import BreachForm, ErasureForm
from binome.privacy.inventory import RETENTION, register_rows
from binome.privacy.models import Breach
from binome.privacy.services import record_breach

HISTORY_PAGE_SIZE = 100
national_admins_only = section(lambda s: s.national_admin)


@staff_only
def person_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Who viewed, exported or changed this person's file, and when (scoped like the file)."""
    person = person_file(people_visible_to(request.user), pk)
    audit.viewed(request, person, what="access history")
    page = Paginator(selectors.access_history(person), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portals/privacy/access.html", {"person": person, "page": page})


@staff_only
@require_POST
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The subject-access export: a ZIP (data.json + data.pdf) of all and only this person's data."""
    person = person_file(people_visible_to(request.user), pk)
    audit.viewed(request, person, what="subject-access export", verb=audit.Verb.EXPORTED)
    response = HttpResponse(build_zip(person), content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="binome-person-{person.pk}-{stamp}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@staff_only
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase (anonymise) a file, after a confirmation; a second erasure changes nothing."""
    person = person_file(people_visible_to(request.user), pk)
    done = erasure.is_erased(person)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and not done and form.is_valid():
        result = erasure.erase_person(person, actor=acting_user(request), reason="request")
        messages.success(
            request, _("The file was anonymised: it now shows as %(pseudonym)s.") % {"pseudonym": result.pseudonym}
        )
        return redirect("people:person", pk=person.pk)
    return render(request, "portals/privacy/erase.html", {"person": person, "form": form, "done": done})


@national_admins_only
def processing_register(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "csv":
        response = HttpResponse(register.as_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="processing-register.csv"'
        return response

    return render(
        request,
        "portals/privacy/register.html",
        {"rows": register_rows(), "retention": RETENTION.values(), "consents": register.consent_versions()},
    )


@national_admins_only
def breaches(request: HttpRequest) -> HttpResponse:
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_breach(actor=account_of(request), **form.cleaned_data)
        messages.success(request, _("The breach was recorded."))
        return redirect("privacy:breaches")
    return render(request, "portals/privacy/breaches.html", {"breaches": Breach.objects.all(), "form": form})
