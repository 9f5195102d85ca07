"""Pages common to every audience: the home page of each audience outside staff (company contacts,
mentors, mentees, referrers, funders) and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.i18n import set_language as django_set_language

from binome.accounts.access import scope_of
from binome.cohorts.models import Workshop
from binome.events.selectors import company_section_events
from binome.impact import published, snapshots
from binome.impact.models import PublishedReport
from binome.impact.selectors import partner_figures, published_visible_to
from binome.meetings.forms import period_from
from binome.meetings.hours import last_months
from binome.meetings.models import Meeting
from binome.meetings.selectors import company_hours, mentor_hours
from binome.operations.selectors import national_overview
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.pairing.selectors import duos_visible_to
from binome.pairing.workshops import workshops_for_user
from binome.people.models import MentorProfile, Person
from binome.people.selectors import mentors_visible_to
from binome.portals.decorators import company_contacts_only, funders_only, mentees_only, mentors_only, referrers_only
from binome.sourcing.enrolment import invitations_with_counts
from binome.sourcing.forms_enrolment import InvitationForm
from binome.sourcing.selectors import referrals_of_partners, referrals_visible_to
from binome.sourcing.training import upcoming_sessions_for
from binome.sponsorship.forms import HourlyCostForm
from binome.sponsorship.selectors import company_portal_figures as sponsorship_figures
from binome.surveys.selectors import surveys_due_for_person
from binome.territories.selectors import coordinators_of


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the portal of their main role."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    scope = scope_of(request.user)
    for allowed, target in [
        (scope.is_staff, "territories:dashboard"),
        (bool(scope.company_ids), "company_portal"),
        (bool(scope.partner_ids), "partner_portal"),
        (scope.funder, "funder_portal"),
        (bool(scope.mentor_person_ids), "mentor_portal"),
        (bool(scope.mentee_person_ids), "mentee_portal"),
    ]:
        if allowed:
            return redirect(target)
    return render(request, "portals/home/no_role.html")


@company_contacts_only
def company(request: HttpRequest) -> HttpResponse:
    """The company's employees, their training, and aggregate figures of their duos: no mentee names."""

    companies = Organisation.objects.filter(pk__in=scope_of(request.user).company_ids).select_related(
        "sector", "territory"
    )
    employees = mentors_visible_to(request.user).filter(company__in=companies)
    mentors = employees.select_related("person", "occupation", "company").annotate(duo_count=Count("duos"))
    duo_counts = {
        row["status"]: row["n"]
        for row in Duo.objects.filter(mentor__company__in=companies).values("status").annotate(n=Count("pk")).order_by()
    }
    by_training = employees.values("training_status").annotate(n=Count("pk")).order_by()
    training_counts = {row["training_status"]: row["n"] for row in by_training}
    sponsorship = sponsorship_figures(request.user)
    shown = _company_counts(duo_counts, mentors, sponsorship["outcomes"])
    period, period_form = period_from(request.GET, last_months())
    return render(
        request,
        "portals/home/company.html",
        {
            "companies": companies,
            # Duo counts through the disclosure rule: small ones (and what would give them away) hidden.
            "mentors": [(m, shown[("employee", m.pk)]) for m in mentors],
            "duo_counts": [(label, shown[("status", value)]) for value, label in Duo.Status.choices],
            "shown_outcomes": {"mentees": shown["mentees"], "met": shown["met"]},
            "hidden_note": any(v == gettext("hidden") for v in shown.values()),
            "training_counts": [
                (label, training_counts.get(value, 0)) for value, label in MentorProfile.Training.choices
            ],
            # Skills-sponsorship hours per employee, from the hours ledger, over the period the page
            # names (the last six months unless another is asked for).
            "hours": [company_hours(c, start=period.start, end=period.end) for c in companies],
            "period_form": period_form,
            # Each company's enrolment links, and a form to create one.
            "invitation_sections": [
                (company, invitations_with_counts(request.user, company), InvitationForm())
                for company in companies
                if company.territory_id is not None
            ],
            # Agreements, balances, invoices, approved statements, hourly cost, duo outcomes (counts).
            **sponsorship,
            "hourly_cost_form": HourlyCostForm(),
            "company_events": company_section_events(request.user),
        },
    )


def _company_counts(duo_counts: dict[str, int], mentors: Any, outcomes: dict[str, int]) -> dict[Any, str]:
    table = published.company_home_table(
        {value: duo_counts.get(value, 0) for value in Duo.Status.values},
        {m.pk: m.duo_count for m in mentors},
        met=outcomes["met"],
        mentees=outcomes["mentees"],
    )
    return published.shown(table, audience="company")


def _own_person(person_ids: frozenset[int]) -> Person:
    # A user linked to several people (rare: a re-enrolled mentor) sees the oldest record.
    return Person.objects.select_related("territory__contact").get(pk=min(person_ids))


@mentors_only
def mentor(request: HttpRequest) -> HttpResponse:
    person = _own_person(scope_of(request.user).mentor_person_ids)
    profile = MentorProfile.objects.select_related("company", "occupation", "workplace").get(person=person)
    # Read once, as a list: the page and "what's next" use the same rows, and what follows filters
    # on their ids rather than nesting the scoped queryset as a subquery.
    duos = list(
        duos_visible_to(request.user)
        .filter(mentor=profile)
        .select_related("cohort", "mentee__person")
        .prefetch_related("mentee__target_occupations")
    )
    sessions = upcoming_sessions_for(profile)
    period, period_form = period_from(request.GET, last_months())
    return render(
        request,
        "portals/home/mentor.html",
        {
            "person": person,
            "profile": profile,
            "duos": duos,
            "training_sessions": sessions,
            "registered": any(getattr(s, "is_mine", False) for s in sessions),
            "hours": mentor_hours(profile, start=period.start, end=period.end),
            "period": period,
            "period_form": period_form,
            **_whats_next(request, duos, side="mentor", person=person),
            **_coordinator_card(person),
        },
    )


def _whats_next(request: HttpRequest, duos: list[Duo], *, side: str, person: Any) -> dict[str, Any]:
    """The surveys due, the next workshops, and the meetings the other member recorded that wait
    for this one: at most three small queries, on the duos the page already read."""

    upcoming = workshops_for_user(request.user).filter(starts_at__gte=timezone.now(), status=Workshop.Status.PLANNED)[
        :3
    ]
    active = [duo.pk for duo in duos if duo.status == Duo.Status.ACTIVE]
    to_confirm = (
        Meeting.objects.filter(duo_id__in=active, confirmed_at__isnull=True)
        .exclude(recorded_as=side)
        .values_list("duo_id")
        .annotate(n=Count("pk"))
        .order_by("duo_id")
        if active
        else []
    )
    return {
        "surveys_due": surveys_due_for_person(person),
        "upcoming_workshops": list(upcoming),
        "to_confirm": list(to_confirm),
        "side": side,
    }


@mentees_only
def mentee(request: HttpRequest) -> HttpResponse:
    person = _own_person(scope_of(request.user).mentee_person_ids)
    duos = list(
        duos_visible_to(request.user)
        .filter(mentee__person=person)
        .select_related("cohort", "mentor__person", "mentor__company", "mentor__occupation")
    )
    return render(
        request,
        "portals/home/mentee.html",
        {
            "person": person,
            "duos": duos,
            **_whats_next(request, duos, side="mentee", person=person),
            **_coordinator_card(person),
        },
    )


def _coordinator_card(person: Any) -> dict[str, Any]:
    """Who the person turns to: the territory's coordinators by name and the team's line."""
    territory = person.territory
    # Read with the person (select_related): absent until a coordinator sets it.
    contact = getattr(territory, "contact", None) if territory is not None else None
    return {"coordinators": coordinators_of(person.territory_id), "contact": contact}


@referrers_only
def partner(request: HttpRequest) -> HttpResponse:
    """A referrer sees the people their organisation referred, with status and date: nothing else."""
    referrals = referrals_of_partners(referrals_visible_to(request.user), scope_of(request.user).partner_ids)
    partners = Organisation.objects.filter(pk__in=scope_of(request.user).partner_ids)
    # Their own organisation's figures (aggregate counts over its own referrals), above the list.

    figures = partner_figures(referrals_visible_to(request.user), scope_of(request.user).partner_ids)
    return render(
        request,
        "portals/home/partner.html",
        {"referrals": referrals, "partners": partners, "figures": [(p, figures[p.pk]) for p in partners]},
    )


OVERVIEW_COLUMNS = ["referred", "eligible_or_beyond", "trained_mentors", "duos", "duos_completed"]
# The registry's key of a column that is one of its figures (the page marks it with data-figure).
OVERVIEW_FIGURES = {"referred": "referred", "eligible_or_beyond": "eligible"}


def _cells(shown: dict[tuple[Any, str], Any], row_key: Any) -> list[tuple[str, Any]]:
    return [(OVERVIEW_FIGURES.get(column, ""), shown[(row_key, column)]) for column in OVERVIEW_COLUMNS]


@funders_only
def funder(request: HttpRequest) -> HttpResponse:
    """The territories' counts through the disclosure rule, and the issued funders' reports (the
    programme's results are only in those frozen snapshots, never live)."""
    overview = national_overview()
    counts = {(row.territory.pk, column): getattr(row, column) for row in overview for column in OVERVIEW_COLUMNS}
    shown = published.protect_grid(counts, audience="funder")
    rows = [(row.territory, _cells(shown, row.territory.pk)) for row in overview]
    totals = _cells(shown, published.TOTAL) if overview else []
    issued = published_visible_to(request.user).filter(kind=PublishedReport.Kind.FUNDER)
    return render(
        request,
        "portals/home/funder.html",
        {
            "rows": rows,
            "totals": totals,
            "issued": [(r, snapshots.period_of(r)) for r in issued.order_by("-period_end", "-number")],
        },
    )


def set_language(request: HttpRequest) -> HttpResponse:
    """Choosing the site's language also remembers it on the account, so emails follow it."""
    response = django_set_language(request)
    chosen = request.POST.get("language", "") if request.method == "POST" else ""
    user = request.user
    if user.is_authenticated and chosen in dict(settings.LANGUAGES) and user.language != chosen:
        user.language = chosen
        user.save(update_fields=["language"])
    return response
