"""Impact pages: outcomes of a mentee, conflicts, the KPI dashboard with its traceability lists,
and the reports (staff, a company's contacts for their company, funders for aggregates)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.accounts.access import scope_of
from binome.accounts.models import User
from binome.cohorts.selectors import cohorts_visible_to
from binome.impact import charts, kpis, periods, reports, services, snapshots
from binome.impact.figures import REGISTRY, rules
from binome.impact.forms import DecisionForm, OutcomeForm, PublishForm, ReportForm, SliceForm
from binome.impact.models import Outcome, OutcomeConflict, PublishedReport, Report, Source
from binome.impact.selectors import (
    conflicts_visible_to,
    counted_rows,
    outcomes_visible_to,
    published_visible_to,
    reports_visible_to,
    staff_territories,
    unmerged_duplicates,
)
from binome.impact.tasks import generate_report
from binome.lib.forms import record_id
from binome.organisations.models import Organisation
from binome.organisations.selectors import organisations_visible_to
from binome.pairing.models import Duo
from binome.people.models import Person
from binome.people.selectors import people_visible_to
from binome.portals.decorators import company_contacts_only, funders_only, staff_only
from binome.portals.helpers import acting_user, add_service_errors, is_htmx
from binome.territories.selectors import territories_visible_to

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- Outcomes of a mentee -----------------------------------------------------------------


def _mentee(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(
        people_visible_to(request.user).filter(mentee_profile__isnull=False).select_related("territory"), pk=pk
    )


def _outcomes_page(request: HttpRequest, person: Person, form: OutcomeForm, status: int = 200) -> HttpResponse:
    outcomes = person.outcomes.select_related("sector", "occupation", "duo__cohort").order_by("-date", "-pk")
    conflicts = conflicts_visible_to(request.user).filter(person=person, decision=OutcomeConflict.Decision.PENDING)
    return render(
        request,
        "portals/impact/outcomes.html",
        {"person": person, "outcomes": outcomes, "form": form, "conflicts": conflicts.count()},
        status=status,
    )


def _person_duos(person: Person) -> Any:
    return Duo.objects.filter(mentee__person=person).select_related("cohort", "mentor__person")


@staff_only
def staff_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    person = _mentee(request, pk)
    form = OutcomeForm(request.POST or None, duos=_person_duos(person))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_outcome(
                    actor=acting_user(request),
                    person=person,
                    kind=data["kind"],
                    date=data["date"],
                    sector=data["sector"],
                    occupation=data["occupation"],
                    duo=data["duo"],
                    source=Source.STAFF,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Outcome recorded."))
                return redirect("impact:outcomes", pk=person.pk)
        return _outcomes_page(request, person, form, status=400)
    return _outcomes_page(request, person, form)


def _staff_outcome(request: HttpRequest, pk: int) -> Outcome:
    return get_object_or_404(outcomes_visible_to(request.user).select_related("person", "occupation"), pk=pk)


@staff_only
def staff_outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = _staff_outcome(request, pk)
    if outcome.source != Source.STAFF:
        raise Http404
    initial = {
        "kind": outcome.kind,
        "date": outcome.date,
        "sector": outcome.sector_id,
        "occupation": outcome.occupation_id or "",
        "duo": outcome.duo_id,
    }
    form = OutcomeForm(request.POST or None, initial=initial, duos=_person_duos(outcome.person))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_outcome(
                outcome,
                actor=acting_user(request),
                kind=data["kind"],
                date=data["date"],
                sector=data["sector"],
                occupation=data["occupation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Outcome updated."))
            return redirect("impact:outcomes", pk=outcome.person_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "portals/impact/outcome_edit.html", {"outcome": outcome, "form": form}, status=status)


@staff_only
@require_POST
def staff_outcome_delete(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = _staff_outcome(request, pk)
    try:
        services.delete_outcome(outcome, actor=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Outcome deleted."))
    return redirect("impact:outcomes", pk=outcome.person_id)


@staff_only
def staff_conflicts(request: HttpRequest) -> HttpResponse:
    pending = (
        conflicts_visible_to(request.user)
        .filter(decision=OutcomeConflict.Decision.PENDING)
        .select_related("person", "staff_outcome__sector", "survey_outcome__sector")
        .order_by("raised_at", "pk")
    )
    return render(request, "portals/impact/conflicts.html", {"conflicts": pending, "form": DecisionForm()})


@staff_only
@require_POST
def staff_conflict_decide(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = get_object_or_404(conflicts_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which record to keep."))
        return redirect("impact:conflicts")
    try:
        services.resolve_conflict(conflict, actor=acting_user(request), decision=form.cleaned_data["decision"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("impact:conflicts")


# --- Dashboard and traceability ---------------------------------------------------------------


def _slice_form(request: HttpRequest) -> SliceForm:
    territories = territories_visible_to(request.user).order_by("name")
    cohorts = cohorts_visible_to(request.user).select_related("territory").order_by("-starts_on", "name")
    organisations = organisations_visible_to(request.user).order_by("name")
    return SliceForm(
        request.GET or None,
        territories=territories,
        cohorts=cohorts,
        companies=organisations.filter(kind=Organisation.Kind.COMPANY),
        partners=organisations.exclude(kind=Organisation.Kind.COMPANY),
    )


def _staff_slice(request: HttpRequest) -> tuple[SliceForm, kpis.Slice]:
    """The slice the filters ask for, cut to the viewer's territories. A record outside them is
    not among the choices: asking for it by id is a 404."""
    form = _slice_form(request)
    scope = staff_territories(request.user)
    if form.is_bound and not form.is_valid():
        if any(name in form.errors for name in ("territory", "cohort", "company", "partner")):
            raise Http404
        return form, kpis.Slice(territory_ids=scope)
    data = form.cleaned_data if form.is_bound else {}

    def pk(name: str) -> int | None:
        value = data.get(name)
        return value.pk if value is not None else None

    return form, kpis.Slice(
        territory_id=pk("territory"),
        cohort_id=pk("cohort"),
        company_id=pk("company"),
        partner_id=pk("partner"),
        year=data.get("year"),
        territory_ids=scope,
    )


@staff_only
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    form, slice_ = _staff_slice(request)
    context = _dashboard_context(request, slice_)
    query = request.GET.urlencode()
    return render(request, "portals/impact/dashboard.html", {**context, "form": form, "query": query})


def _dashboard_context(request: HttpRequest, slice_: kpis.Slice) -> dict[str, Any]:
    views = kpis.compute_views(slice_)
    figures = views["total"][None]
    funnel = views["funnel"]
    by_cohort = views["cohort"]
    cohorts = cohorts_visible_to(request.user).filter(pk__in=[k for k in by_cohort if k])
    cohort_groups = [(c.name, by_cohort[c.pk]) for c in cohorts.order_by("starts_on", "pk")]
    by_territory = views["territory"]
    territories = territories_visible_to(request.user).filter(pk__in=[k for k in by_territory if k])
    territory_groups = [(t.name, by_territory[t.pk]) for t in territories.order_by("name")]
    return {
        "rows": [reports.display(f) for f in figures],
        "traceable": set(kpis.BY_KEY),
        "funnel_chart": charts.funnel_chart(funnel),
        "series": reports._series(cohort_groups, suppress=False),
        "territory_series": reports._series(territory_groups, suppress=False) if len(territory_groups) > 1 else [],
        "territory_groups": [
            (name, [reports.display(f) for f in figs if f.key in reports.CHART_KEYS]) for name, figs in territory_groups
        ],
        "slice": slice_,
        "funnel_specs": [REGISTRY[key] for key in kpis.FUNNEL_KEYS],
        "rules": rules(),
        "report_form": ReportForm(),
        "duplicates": unmerged_duplicates(request.user, territory_id=slice_.territory_id, cohort_id=slice_.cohort_id),
    }


@staff_only
def staff_people_counted(request: HttpRequest) -> HttpResponse:
    _form, slice_ = _staff_slice(request)
    key, part = request.GET.get("kpi", ""), request.GET.get("part", "")
    if key not in kpis.BY_KEY or part not in kpis.PARTS:
        raise Http404
    rows = counted_rows(request.user, kpis.people_counted(slice_, key, part))
    back = request.GET.copy()
    for name in ("kpi", "part"):
        back.pop(name, None)
    return render(
        request,
        "portals/impact/people.html",
        {
            "figure": kpis.BY_KEY[key],
            "part": part,
            "rows": rows[:1000],
            "count": len(rows),
            "back": back.urlencode(),
        },
    )


# --- Reports ----------------------------------------------------------------------------------


def _file(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _render(context: dict[str, Any], fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    content = reports.pdf(context) if fmt == "pdf" else reports.xlsx(context)
    return _file(content, reports.filename(context, fmt), fmt)


def _staff_target(request: HttpRequest, kind: str, pk: int) -> int | None:
    """The report's subject, fetched within the viewer's scope (404 outside it)."""
    if kind == "cohort":
        return get_object_or_404(cohorts_visible_to(request.user), pk=pk).pk
    if kind == "territory":
        return get_object_or_404(territories_visible_to(request.user), pk=pk).pk
    if kind == "company":
        return get_object_or_404(
            organisations_visible_to(request.user).filter(kind=Organisation.Kind.COMPANY), pk=pk
        ).pk
    raise Http404


@staff_only
def staff_report(request: HttpRequest, kind: str, pk: int, fmt: str) -> HttpResponse:
    target = _staff_target(request, kind, pk)
    territory_ids = None if kind == "company" else staff_territories(request.user)
    return _render(reports.build(kind, target_id=target, territory_ids=territory_ids), fmt)


def _report_territory(request: HttpRequest, kind: str, target: int | None) -> int | None:
    from binome.cohorts.models import Cohort

    if target is None:
        return None
    if kind == "cohort":
        return Cohort.objects.get(pk=target).territory_id
    if kind == "territory":
        return target
    if kind == "company":
        return Organisation.objects.get(pk=target).territory_id
    return None


def _back_to_dashboard(request: HttpRequest) -> HttpResponse:
    """Back to the figures with the filters the report was asked from."""
    response = redirect("impact:dashboard")
    query = QueryDict(request.POST.get("query", "")).urlencode()
    if query:
        response["Location"] += "?" + query
    return response


def _chosen_target(request: HttpRequest, kind: str, form: ReportForm) -> int | None:
    """The record the report is about: the filter of its kind (cohort, territory, company) the
    dashboard posts, or `target`."""
    chosen = record_id(request.POST.get(kind, ""))
    return chosen if chosen is not None else form.cleaned_data["target"]


@staff_only
@require_POST
def staff_report_request(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a report and a format."))
        return _back_to_dashboard(request)
    kind, fmt = form.cleaned_data["kind"], form.cleaned_data["format"]
    if kind == Report.Kind.FUNDER:
        if not scope_of(request.user).national_admin:
            raise Http404
        target = None
    else:
        chosen = _chosen_target(request, kind, form)
        if chosen is None:
            explain = {
                Report.Kind.COHORT: _(
                    "A cohort report is about one cohort: choose it in the filters above, press “Show”,"
                    " then prepare the report."
                ),
                Report.Kind.TERRITORY: _(
                    "A territory report is about one territory: choose it in the filters above, press “Show”,"
                    " then prepare the report."
                ),
                Report.Kind.COMPANY: _(
                    "A company report is about one company: choose it in the filters above, press “Show”,"
                    " then prepare the report."
                ),
            }
            messages.error(request, explain[kind])
            return _back_to_dashboard(request)
        target = _staff_target(request, kind, chosen)
    report = Report.objects.create(
        kind=kind,
        format=fmt,
        target_id=target,
        territory_id=_report_territory(request, kind, target),
        requested_by=cast(User, request.user),  # staff_only: signed in
    )
    transaction.on_commit(lambda: generate_report.enqueue(report.pk))
    return redirect("impact:report_status", pk=report.pk)


@staff_only
def staff_report_status(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if is_htmx(request):
        return render(request, "portals/impact/_report_status.html", {"report": report})
    territory_id = report.territory_id if report.kind != Report.Kind.FUNDER else None
    duplicates = unmerged_duplicates(request.user, territory_id=territory_id)
    return render(request, "portals/impact/report_status.html", {"report": report, "duplicates": duplicates})


def _download(report: Report) -> FileResponse:
    if report.status != Report.Status.READY or not report.file or not Path(report.file).exists():
        raise Http404
    return FileResponse(
        Path(report.file).open("rb"),
        as_attachment=True,
        filename=Path(report.file).name.split("-", 2)[-1],
        content_type=CONTENT_TYPES[report.format],
    )


@staff_only
def staff_report_download(request: HttpRequest, pk: int) -> FileResponse:
    return _download(get_object_or_404(reports_visible_to(request.user), pk=pk))


# --- Company contacts and funders ----------------------------------------------------------------


def _own_company(request: HttpRequest) -> Organisation:
    companies = Organisation.objects.filter(pk__in=scope_of(request.user).company_ids).order_by("name")
    wanted = request.GET.get("company")
    if wanted:
        if (company_id := record_id(wanted)) is None:
            raise Http404
        return get_object_or_404(companies, pk=company_id)
    company = companies.first()
    if company is None:
        raise Http404
    return company


@company_contacts_only
def company_impact(request: HttpRequest) -> HttpResponse:
    """The company's issued reports (frozen per period): never live figures."""
    company = _own_company(request)
    issued = published_visible_to(request.user).filter(kind=PublishedReport.Kind.COMPANY, company=company)
    return render(request, "portals/impact/company.html", {"company": company, "issued": _listed(issued)})


def _listed(issued: Any) -> list[tuple[PublishedReport, Any]]:
    return [(r, snapshots.period_of(r)) for r in issued.order_by("-period_end", "-number")]


def _company_snapshot(request: HttpRequest, pk: int) -> PublishedReport:
    companies = scope_of(request.user).company_ids
    found = published_visible_to(request.user).filter(kind=PublishedReport.Kind.COMPANY, company_id__in=companies)
    return get_object_or_404(found, pk=pk)


def _funder_snapshot(request: HttpRequest, pk: int) -> PublishedReport:
    return get_object_or_404(published_visible_to(request.user).filter(kind=PublishedReport.Kind.FUNDER), pk=pk)


def _snapshot_page(request: HttpRequest, report: PublishedReport, files: str) -> HttpResponse:
    context = snapshots.context(report)
    return render(request, "portals/impact/snapshot.html", {**context, "report": report, "files": files})


def _snapshot_file(report: PublishedReport, fmt: str) -> HttpResponse:
    """The bytes stored when it was issued: every download of a period is the same file."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    period = snapshots.period_of(report)
    name = f"binome-impact-{report.kind}-{report.number}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
    return _file(bytes(report.pdf if fmt == "pdf" else report.xlsx), name, fmt)


@company_contacts_only
def company_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    return _snapshot_page(request, _company_snapshot(request, pk), "impact:company_snapshot_file")


@company_contacts_only
def company_snapshot_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _snapshot_file(_company_snapshot(request, pk), fmt)


@funders_only
def funder_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    return _snapshot_page(request, _funder_snapshot(request, pk), "impact:funder_snapshot_file")


@funders_only
def funder_snapshot_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _snapshot_file(_funder_snapshot(request, pk), fmt)


# --- Issuing the snapshots (staff) ----------------------------------------------------------------


def _issuable(request: HttpRequest) -> list[tuple[Organisation | None, list[tuple[Any, PublishedReport | None]]]]:
    """For the funders (national admins) and each company in the viewer's scope, the recent closed
    periods with the snapshot already issued for each, if any."""
    recent = periods.recent(timezone.localdate())
    issued = {(r.kind, r.company_id, r.period_start, r.period_end): r for r in published_visible_to(request.user)}
    audiences: list[Organisation | None] = [None] if scope_of(request.user).national_admin else []
    audiences += list(organisations_visible_to(request.user).filter(kind=Organisation.Kind.COMPANY).order_by("name"))
    return [
        (
            company,
            [
                (p, issued.get(("company" if company else "funder", company.pk if company else None, p.start, p.end)))
                for p in recent
            ],
        )
        for company in audiences
    ]


@staff_only
def staff_published(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/impact/published.html", {"audiences": _issuable(request)})


@staff_only
@require_POST
def staff_publish(request: HttpRequest) -> HttpResponse:
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a closed quarter or year."))
        return redirect("impact:published")
    data = form.cleaned_data
    company = None
    if data["company"]:
        company = get_object_or_404(
            organisations_visible_to(request.user).filter(kind=Organisation.Kind.COMPANY), pk=data["company"]
        )
    elif not scope_of(request.user).national_admin:
        raise Http404  # the funders' report is national: national admins issue it
    try:
        report = snapshots.issue(
            actor=acting_user(request),
            kind=PublishedReport.Kind.COMPANY if company else PublishedReport.Kind.FUNDER,
            company=company,
            period=data["period"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Report no. %(number)s issued.") % {"number": report.number})
    return redirect("impact:published")


@staff_only
def staff_published_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _snapshot_file(get_object_or_404(published_visible_to(request.user), pk=pk), fmt)
