"""Sponsorship pages: offers, agreements, the contributions ledger, invoices and receipts, statements.

Staff see the companies of their territories (national admins all); a company contact sees their
own company's agreement, documents and approved statements. A record outside the viewer's scope
is not found (404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.lib.forms import record_id
from binome.meetings import selectors as hour_selectors
from binome.meetings.forms import period_from
from binome.meetings.hours import last_months
from binome.portals.decorators import company_contacts_only, staff_only
from binome.portals.helpers import acting_user, add_service_errors
from binome.sponsorship import documents, selectors, services
from binome.sponsorship.forms import (
    AgreementForm,
    HourlyCostForm,
    InvoiceForm,
    PaymentForm,
    ReversalForm,
    StatementForm,
    StatusForm,
)
from binome.sponsorship.models import Agreement, LedgerEntry, Offer, Receipt, Statement


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _file(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return _file(content, filename, "application/pdf")


# --- staff: overview, offers -----------------------------------------------------------------
@staff_only
def overview(request: HttpRequest) -> HttpResponse:
    agreements = selectors.agreements_for_staff(request.user)
    companies = selectors.companies_for_staff(request.user)
    return render(
        request,
        "portals/sponsorship/overview.html",
        {
            "agreements": agreements.select_related("renews").order_by("company__name", "-starts_on"),
            "balances": selectors.balances_by_company(companies),
            "late": selectors.late_invoices(selectors.invoices_in(agreements)),
            "statements": selectors.statements_for_staff(request.user)[:20],
        },
    )


@staff_only
def offers(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/sponsorship/offers.html", {"offers": Offer.objects.all()})


# --- staff: agreements -----------------------------------------------------------------------
@staff_only
def agreement_new(request: HttpRequest) -> HttpResponse:
    companies = selectors.companies_for_staff(request.user)
    # Coming from a company's page: that company is chosen (only if the viewer may see it).
    chosen = request.GET.get("company", "")
    company_id = record_id(chosen)
    initial = {"company": chosen} if company_id is not None and companies.filter(pk=company_id).exists() else {}
    form = AgreementForm(request.POST or None, companies=companies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.create_agreement(
                data["company"],
                offer=data["offer"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                mentor_seats=data["mentor_seats"],
                contribution_cents=data["contribution"],
                override_reason=data["override_reason"],
                actor=acting_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Agreement created as a draft."))
            return redirect("sponsorship:agreement", pk=agreement.pk)
    return render(
        request,
        "portals/sponsorship/agreement_new.html",
        {"form": form, "offers": Offer.objects.filter(active=True)},
        status=400 if form.errors else 200,
    )


def _agreement_page(request: HttpRequest, pk: int, status: int = 200, **forms: Any) -> HttpResponse:
    agreement = selectors.one(selectors.agreements_for_staff(request.user).select_related("renews"), pk)
    only_this = selectors.agreements_for_staff(request.user).filter(pk=agreement.pk)
    invoices = list(selectors.invoices_in(only_this).order_by("issued_on", "pk"))
    today = timezone.localdate()
    return render(
        request,
        "portals/sponsorship/agreement.html",
        {
            "agreement": agreement,
            "renewal": Agreement.objects.filter(renews=agreement).first(),
            "totals": selectors.agreement_totals(agreement),
            "entries": selectors.ledger_of(only_this),
            "invoices": [(i, selectors.invoice_outstanding(i), selectors.is_late(i, today)) for i in invoices],
            "next_statuses": [
                (value, label)
                for value, label in agreement.Status.choices
                if value in services.TRANSITIONS.get(agreement.status, set())
            ],
            "status_form": forms.get("status_form") or StatusForm(),
            "invoice_form": forms.get("invoice_form") or InvoiceForm(),
            "payment_form": PaymentForm(),
            "reversal_form": ReversalForm(),
            "can_renew": agreement.status not in {"draft", "cancelled"}
            and not Agreement.objects.filter(renews=agreement).exists(),
        },
        status=status,
    )


@staff_only
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    return _agreement_page(request, pk)


def _post_on_agreement(
    request: HttpRequest, pk: int, form_class: type, form_name: str, act: Callable[[Any, dict[str, Any]], str]
) -> HttpResponse:
    found = selectors.one(selectors.agreements_for_staff(request.user), pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            messages.success(request, act(found, form.cleaned_data))
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return _agreement_page(request, pk, status=400, **{form_name: form})
        return redirect("sponsorship:agreement", pk=pk)
    return _agreement_page(request, pk, status=400, **{form_name: form})


@staff_only
@require_POST
def agreement_status(request: HttpRequest, pk: int) -> HttpResponse:
    def act(found: Any, data: dict[str, Any]) -> str:
        moved = services.move_agreement(
            found, status=data["status"], signed_on=data["signed_on"], actor=acting_user(request)
        )
        return _("The agreement is now %(status)s.") % {"status": moved.get_status_display()}

    return _post_on_agreement(request, pk, StatusForm, "status_form", act)


@staff_only
@require_POST
def agreement_renew(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.one(selectors.agreements_for_staff(request.user), pk)
    try:
        renewal = services.renew_agreement(found, actor=acting_user(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("sponsorship:agreement", pk=pk)
    messages.success(request, _("Renewal created as a draft, with the same seats and contribution."))
    return redirect("sponsorship:agreement", pk=renewal.pk)


@staff_only
@require_POST
def invoice_new(request: HttpRequest, pk: int) -> HttpResponse:
    def act(found: Any, data: dict[str, Any]) -> str:
        invoice = services.issue_invoice(
            found,
            amount_cents=data["amount"],
            issued_on=data["issued_on"],
            due_on=data["due_on"],
            label=data["label"],
            actor=acting_user(request),
        )
        return _("Invoice %(number)s issued.") % {"number": invoice.number}

    return _post_on_agreement(request, pk, InvoiceForm, "invoice_form", act)


@staff_only
@require_POST
def payment_new(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.one(selectors.invoices_in(selectors.agreements_for_staff(request.user)), pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("sponsorship:agreement", pk=invoice.agreement_id)
    try:
        entry = services.record_payment(
            invoice,
            amount_cents=form.cleaned_data["amount"],
            received_on=form.cleaned_data["received_on"],
            note=form.cleaned_data["note"],
            actor=acting_user(request),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Payment recorded; receipt %(number)s issued.") % {"number": entry.receipt.number})
    return redirect("sponsorship:agreement", pk=invoice.agreement_id)


@staff_only
@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.one(LedgerEntry.objects.filter(agreement__in=selectors.agreements_for_staff(request.user)), pk)
    form = ReversalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the entry is reversed."))
        return redirect("sponsorship:agreement", pk=entry.agreement_id)
    try:
        services.reverse_entry(entry, reason=form.cleaned_data["reason"], actor=acting_user(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Entry reversed."))
    return redirect("sponsorship:agreement", pk=entry.agreement_id)


# --- documents -------------------------------------------------------------------------------
def _invoice_pdf(request: HttpRequest, agreements: Any, pk: int) -> HttpResponse:
    invoice = selectors.one(selectors.invoices_in(agreements), pk)
    return _pdf(documents.invoice_pdf(invoice), f"{invoice.number}.pdf")


def _receipt_pdf(request: HttpRequest, agreements: Any, pk: int) -> HttpResponse:
    receipt: Receipt = selectors.one(selectors.receipts_in(agreements), pk)
    return _pdf(documents.receipt_pdf(receipt), f"{receipt.number}.pdf")


def _statement_pdf(statement: Statement) -> HttpResponse:
    name = f"statement-{statement.company.slug}-{statement.starts_on:%Y%m%d}-{statement.ends_on:%Y%m%d}.pdf"
    return _pdf(documents.statement_pdf(statement), name)


@staff_only
def staff_invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _invoice_pdf(request, selectors.agreements_for_staff(request.user), pk)


@staff_only
def staff_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _receipt_pdf(request, selectors.agreements_for_staff(request.user), pk)


@staff_only
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    content = documents.ledger_xlsx(
        selectors.agreements_for_staff(request.user), selectors.companies_for_staff(request.user)
    )
    return _file(
        content,
        f"ledger-{timezone.localdate():%Y%m%d}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- staff: statements -----------------------------------------------------------------------
@staff_only
def statements(request: HttpRequest) -> HttpResponse:
    companies = selectors.companies_for_staff(request.user)
    form = StatementForm(request.POST or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            statement = services.draft_statement(
                data["company"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                hourly_cost_cents=data["hourly_cost"],
                commitment_days=data["commitment_days"] or 3,
                actor=acting_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Statement drafted: check the figures, then approve it."))
            return redirect("sponsorship:statement", pk=statement.pk)
    return render(
        request,
        "portals/sponsorship/statements.html",
        {"form": form, "statements": selectors.statements_for_staff(request.user)},
        status=400 if form.errors else 200,
    )


@staff_only
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.one(selectors.statements_for_staff(request.user), pk)
    return render(
        request,
        "portals/sponsorship/statement.html",
        {"statement": found, "figures": selectors.statement_figures(found), "can_approve": found.can_be_approved()},
    )


@staff_only
def company_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """A company's hours per employee, from the hours ledger, over the period asked for (the last
    six months by default); 404 for a company outside the viewer's territories."""
    company = selectors.one(selectors.companies_for_staff(request.user), pk)
    period, period_form = period_from(request.GET, last_months())
    return render(
        request,
        "portals/sponsorship/company_hours.html",
        {
            "company": company,
            "summary": hour_selectors.company_hours(company, start=period.start, end=period.end),
            "period_form": period_form,
        },
    )


@staff_only
@require_POST
def statement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.one(selectors.statements_for_staff(request.user), pk)
    try:
        services.approve_statement(found, actor=acting_user(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Statement approved: the company contact can download it."))
    return redirect("sponsorship:statement", pk=pk)


@staff_only
def staff_statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _statement_pdf(selectors.one(selectors.statements_for_staff(request.user), pk))


# --- company contacts --------------------------------------------------------------------------
@company_contacts_only
def company_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    agreements = selectors.agreements_of_contact(request.user)
    found = selectors.one(agreements, pk)
    only_this = agreements.filter(pk=found.pk)
    today = timezone.localdate()
    return render(
        request,
        "portals/sponsorship/company_agreement.html",
        {
            "agreement": found,
            "totals": selectors.agreement_totals(found),
            "invoices": [
                (i, selectors.invoice_outstanding(i), selectors.is_late(i, today))
                for i in selectors.invoices_in(only_this).order_by("issued_on", "pk")
            ],
            "receipts": selectors.receipts_in(only_this).order_by("issued_on", "pk"),
        },
    )


@company_contacts_only
def company_invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _invoice_pdf(request, selectors.agreements_of_contact(request.user), pk)


@company_contacts_only
def company_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _receipt_pdf(request, selectors.agreements_of_contact(request.user), pk)


@company_contacts_only
def company_statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _statement_pdf(selectors.one(selectors.approved_statements_of_contact(request.user), pk))


@company_contacts_only
@require_POST
def company_hourly_cost(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.one(selectors.companies_of_contact(request.user), pk)
    form = HourlyCostForm(request.POST)
    if form.is_valid():
        services.declare_hourly_cost(
            company, hourly_cost_cents=form.cleaned_data["hourly_cost"], actor=acting_user(request)
        )
        messages.success(request, _("Hourly cost saved: the next statements will use it."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("company_portal")
