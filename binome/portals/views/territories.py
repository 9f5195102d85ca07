"""Staff pages of territories: the dashboard of each territory the viewer coordinates, the national
comparison, opening a territory and its opening checklist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.operations.forms import OpenTerritoryForm
from binome.operations.selectors import opening_checklist, territory_comparison, territory_dashboard
from binome.operations.services import open_territory as open_territory_service
from binome.portals.decorators import section, staff_only
from binome.portals.helpers import acting_user, add_service_errors
from binome.territories.forms import TerritoryContactForm
from binome.territories.selectors import contact_of, territories_visible_to
from binome.territories.services import set_contact

national_admins_only = section(lambda s: s.national_admin)


@staff_only
def dashboard(request: HttpRequest) -> HttpResponse:
    territories = list(territories_visible_to(request.user))
    if len(territories) == 1:
        return redirect("territories:territory", slug=territories[0].slug)
    return render(
        request, "portals/territories/dashboard.html", {"dashboards": [territory_dashboard(t) for t in territories]}
    )


@staff_only
def territory(request: HttpRequest, slug: str) -> HttpResponse:
    return _territory_page(request, slug)


def _territory_page(
    request: HttpRequest, slug: str, contact_form: TerritoryContactForm | None = None, status: int = 200
) -> HttpResponse:
    # One read of the viewer's territories: the one shown (404 outside them) and the switcher.
    territories = list(territories_visible_to(request.user))
    found = next((t for t in territories if t.slug == slug), None)
    if found is None:
        raise Http404("No territory of this viewer has that address.")
    contact = contact_of(found.pk)
    form = contact_form or TerritoryContactForm(
        initial={"phone": contact.phone, "email": contact.email} if contact else None
    )
    return render(
        request,
        "portals/territories/territory.html",
        {"board": territory_dashboard(found), "territories": territories, "contact": contact, "contact_form": form},
        status=status,
    )


@staff_only
@require_POST
def territory_contact(request: HttpRequest, slug: str) -> HttpResponse:
    """The phone and address the territory's mentees and mentors see beside their coordinators."""
    found = get_object_or_404(territories_visible_to(request.user), slug=slug)
    form = TerritoryContactForm(request.POST)
    if not form.is_valid():
        return _territory_page(request, slug, contact_form=form, status=422)
    set_contact(found, phone=form.cleaned_data["phone"], email=form.cleaned_data["email"], actor=acting_user(request))
    messages.success(request, _("Saved: mentees and mentors see this contact beside their coordinators' names."))
    return redirect("territories:territory", slug=slug)


@national_admins_only
def national(request: HttpRequest) -> HttpResponse:
    rows = territory_comparison()
    return render(request, "portals/territories/national.html", {"rows": rows})


@national_admins_only
def open_territory(request: HttpRequest) -> HttpResponse:
    form = OpenTerritoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = open_territory_service(actor=acting_user(request), request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is open.") % {"name": opened.territory.name})
            for user in opened.invited:
                messages.info(
                    request,
                    _(
                        "Invitation sent to %(email)s: this account's address was never verified, so the "
                        "coordinator role is granted once they follow the link in that email."
                    )
                    % {"email": user.email},
                )
            return redirect("territories:checklist", slug=opened.territory.slug)
    return render(
        request, "portals/territories/open_territory.html", {"form": form}, status=400 if form.errors else 200
    )


@staff_only
def territory_checklist(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_object_or_404(territories_visible_to(request.user), slug=slug)
    return render(
        request,
        "portals/territories/checklist.html",
        {"territory": territory, "checklist": opening_checklist(territory)},
    )
