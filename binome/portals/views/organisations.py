"""Staff pages of organisations: the list and file of every organisation of the viewer's
territories, and company and partner relations (the pipeline board per territory, each
organisation's contacts, exchanges and (partners) agreements and figures)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.impact.selectors import FIGURE_COLUMNS, partner_figures, partners_with_figures
from binome.organisations import selectors, services
from binome.organisations.forms import ContactForm, ExchangeForm, PartnerAgreementForm, ProspectForm, StageForm
from binome.organisations.models import CompanyRelation, Contact, Organisation
from binome.organisations.selectors import organisations_visible_to
from binome.people.selectors import mentors_visible_to
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user, add_service_errors
from binome.sourcing.enrolment import companies_inviting_for, hr_recipients, invitations_with_counts
from binome.sourcing.forms_enrolment import InvitationForm
from binome.sourcing.models import Referral
from binome.sourcing.selectors import referrals_visible_to
from binome.sponsorship.selectors import agreements_for_staff
from binome.territories.selectors import territories_visible_to

PAGE_SIZE = 50


@staff_only
def board(request: HttpRequest) -> HttpResponse:
    territories = territories_visible_to(request.user).order_by("name")
    slug = request.GET.get("territory") or request.POST.get("territory_slug")
    territory = get_object_or_404(territories, slug=slug) if slug else territories.first()
    form = ProspectForm(
        request.POST or None, territories=territories, initial={"territory": territory.pk if territory else None}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relation = services.add_prospect(
                territory=data["territory"],
                name=data["name"],
                next_action=data["next_action"],
                next_action_on=data["next_action_on"],
                actor=acting_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The company is in the pipeline."))
            return redirect("organisations:relation", pk=relation.company_id)
    return render(
        request,
        "portals/organisations/relations/board.html",
        {
            "territories": territories,
            "board": selectors.pipeline_board(territory) if territory else None,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _page(
    request: HttpRequest, organisation: Organisation, *, status: int = 200, **bound: forms.BaseForm
) -> HttpResponse:
    relation = CompanyRelation.objects.filter(company=organisation).first()
    context: dict[str, Any] = {
        "organisation": organisation,
        "relation": relation,
        "changes": relation.changes.select_related("actor")[:20] if relation else [],
        "contacts": organisation.contacts.all(),
        "exchanges": organisation.exchanges.select_related("contact", "recorded_by")[:50],
        "contact_form": bound.get("contact_form") or ContactForm(),
        "exchange_form": bound.get("exchange_form") or ExchangeForm(organisation=organisation),
    }
    if organisation.is_company:
        initial = (
            {
                "stage": relation.stage,
                "next_action": relation.next_action,
                "next_action_on": relation.next_action_on,
            }
            if relation
            else {}
        )
        context["stage_form"] = bound.get("stage_form") or StageForm(initial=initial)
    else:
        context["agreements"] = organisation.partner_agreements.all()
        context["agreement_form"] = bound.get("agreement_form") or PartnerAgreementForm()
        context["figures"] = partner_figures(referrals_visible_to(request.user), [organisation.pk])[organisation.pk]
    return render(request, "portals/organisations/relations/organisation.html", context, status=status)


@staff_only
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.relation_organisation_for(request.user, pk))


@staff_only
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.relation_organisation_for(request.user, pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.move_company(found, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The pipeline is updated."))
            return redirect("organisations:relation", pk=found.pk)
    return _page(request, found, status=400, stage_form=form)


@staff_only
@require_POST
def add_contact(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.relation_organisation_for(request.user, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.add_contact(found, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contact is added."))
            return redirect("organisations:relation", pk=found.pk)
    return _page(request, found, status=400, contact_form=form)


@staff_only
def edit_contact(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Correct a contact's details (GET: the form; POST: save, or re-render with errors)."""
    found = selectors.relation_organisation_for(request.user, pk)
    contact = get_object_or_404(Contact.objects.filter(organisation=found), pk=contact_pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(contact, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("organisations:relation", pk=found.pk)
    return render(
        request,
        "portals/organisations/relations/contact_edit.html",
        {"organisation": found, "contact": contact, "form": form},
        status=400 if form.errors else 200,
    )


@staff_only
@require_POST
def remove_contact(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    found = selectors.relation_organisation_for(request.user, pk)
    contact = get_object_or_404(Contact.objects.filter(organisation=found), pk=contact_pk)
    services.remove_contact(contact, actor=acting_user(request))
    messages.success(request, _("The contact is removed."))
    return redirect("organisations:relation", pk=found.pk)


@staff_only
@require_POST
def add_exchange(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.relation_organisation_for(request.user, pk)
    form = ExchangeForm(request.POST, organisation=found)
    if form.is_valid():
        try:
            services.record_exchange(found, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The exchange is recorded."))
            return redirect("organisations:relation", pk=found.pk)
    return _page(request, found, status=400, exchange_form=form)


@staff_only
@require_POST
def add_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.relation_organisation_for(request.user, pk)
    form = PartnerAgreementForm(request.POST)
    if found.is_company:
        form.add_error(None, _("Agreements with companies are managed under sponsorship."))
    elif form.is_valid():
        try:
            services.add_partner_agreement(found, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agreement is recorded."))
            return redirect("organisations:relation", pk=found.pk)
    return _page(request, found, status=400, agreement_form=form)


@staff_only
def partners(request: HttpRequest) -> HttpResponse:
    rows = partners_with_figures(request.user)
    totals = {name: sum(getattr(f, name) for _p, f in rows) for name in FIGURE_COLUMNS}
    return render(request, "portals/organisations/relations/partners.html", {"rows": rows, "totals": totals})


# --- every organisation of the viewer's territories -----------------------------------


@staff_only
def organisations(request: HttpRequest) -> HttpResponse:
    visible = organisations_visible_to(request.user).select_related("territory", "sector", "relation")
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if query:
        visible = visible.filter(name__icontains=query)
    if kind in Organisation.Kind.values:
        visible = visible.filter(kind=kind)
    visible = visible.annotate(
        mentor_count=Count("mentors", distinct=True), referral_count=Count("referrals", distinct=True)
    ).order_by("name")
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portals/organisations/organisations.html",
        {"page": page, "query": query, "kind": kind, "kinds": Organisation.Kind.choices},
    )


@staff_only
def organisation_file(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        organisations_visible_to(request.user).select_related("territory", "sector", "city"), pk=pk
    )
    mentors = mentors_visible_to(request.user).filter(company=found).select_related("person", "occupation")
    referrals = referrals_visible_to(request.user).filter(partner=found).select_related("person")
    status_counts = referrals.values("status").annotate(n=Count("pk")).order_by()
    labels = dict(Referral.Status.choices)
    # Enrolment links, for the companies whose links this user manages.
    manages_links = found.is_company and companies_inviting_for(request.user).filter(pk=found.pk).exists()
    # Relations: pipeline stage, contacts, latest exchanges; a partner's figures (scoped referrals).
    from binome.impact.selectors import partner_figures
    from binome.organisations.models import CompanyRelation

    relation_context = {
        "relation": CompanyRelation.objects.filter(company=found).first(),
        "contacts": list(found.contacts.all()),
        "exchanges": list(found.exchanges.select_related("contact")[:5]),
        "figures": None if found.is_company else partner_figures(referrals, [found.pk])[found.pk],
    }
    return render(
        request,
        "portals/organisations/organisation.html",
        {
            "organisation": found,
            "mentors": mentors,
            "referrals": referrals[:100],
            "referral_total": referrals.count(),
            "referral_counts": [(labels[row["status"]], row["n"]) for row in status_counts],
            "invitations": invitations_with_counts(request.user, found) if manages_links else None,
            "invitation_form": InvitationForm() if manages_links else None,
            # Staff send a valid link to the company's HR contacts from here.
            "hr_recipients": hr_recipients(found) if manages_links else None,
            "today": timezone.localdate(),
            "agreements": agreements_for_staff(request.user).filter(company=found).order_by("-starts_on")
            if found.is_company
            else None,
            **relation_context,
        },
    )
