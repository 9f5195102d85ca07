"""Reads of the surveys app: what is due, response rates, check-in signals, outcome facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from binome.accounts.access import scope_of
from binome.cohorts.models import Cohort
from binome.people.models import Person
from binome.surveys.instruments import COUNTING_OPPORTUNITIES, NETWORK_THRESHOLD
from binome.surveys.models import (
    Answer,
    Audience,
    Instrument,
    InstrumentVersion,
    Invitation,
    Question,
    Response,
    Wave,
)

CHECKIN_KEY = "duo_checkin"
POOR_CHECKIN = 2


def waves_visible_to(user: Any) -> QuerySet[Wave]:
    """The waves of the cohorts `cohorts_visible_to` opens, on the scope's ids (no nested query)."""
    scope = scope_of(user)
    return scope.visible(Wave.objects.all(), Q(cohort__territory_id__in=scope.territory_ids))


def invitations_visible_to(user: Any) -> QuerySet[Invitation]:
    scope = scope_of(user)
    return scope.visible(Invitation.objects.all(), Q(wave__cohort__territory_id__in=scope.territory_ids))


def wave_for(user: Any, pk: int) -> Wave:
    return get_object_or_404(waves_visible_to(user).select_related("cohort__territory", "instrument", "version"), pk=pk)


def invitation_for(user: Any, pk: int) -> Invitation:
    return get_object_or_404(
        invitations_visible_to(user).select_related("wave__cohort", "wave__instrument", "person"), pk=pk
    )


@dataclass
class WaveRow:
    wave: Wave
    invited: int
    answered: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.answered / self.invited) if self.invited else None


def cohort_waves(cohort: Cohort) -> list[WaveRow]:
    """The cohort's waves in date order, with how many were asked and how many answered."""
    waves = (
        Wave.objects.filter(cohort=cohort)
        .select_related("instrument", "version")
        .annotate(
            n_invited=Count("invitations"),
            n_answered=Count("invitations", filter=Q(invitations__submitted_at__isnull=False)),
        )
        .order_by("opens_on", "instrument__audience", "instrument__code")
    )
    return [WaveRow(w, w.n_invited, w.n_answered) for w in waves]


def wave_invitations(wave: Wave) -> list[Invitation]:
    return list(
        wave.invitations.select_related("person", "response").order_by(
            "submitted_at", "person__last_name", "person__first_name"
        )
    )


def surveys_due_for_person(person: Person, today: date | None = None) -> list[Invitation]:
    """Open, unanswered, unexpired invitations of a person (for the mentor and mentee home pages).
    Link each to `reverse("surveys:start", kwargs={"pk": invitation.pk})`."""
    today = today or timezone.localdate()
    return list(
        Invitation.objects.filter(
            person=person,
            submitted_at__isnull=True,
            expires_at__gt=timezone.now(),
            wave__opens_on__lte=today,
        )
        .select_related("wave__instrument")
        .order_by("wave__closes_on", "pk")
    )


def poor_checkins(since: date, at_most: int = POOR_CHECKIN) -> list[tuple[int, date, int]]:
    """(duo id, day answered, score) of every mid-point check-in scored `at_most` or less since
    `since`, from the mentee or the mentor, in answer order."""
    rows = (
        Answer.objects.filter(
            question__key=CHECKIN_KEY,
            response__submitted_at__isnull=False,
            response__invitation__duo__isnull=False,
            response__submitted_at__date__gte=since,
        )
        .values_list("response__invitation__duo_id", "response__submitted_at", "value")
        .order_by("response__submitted_at", "pk")
    )
    found = []
    for duo_id, submitted_at, value in rows:
        answered_on = timezone.localdate(submitted_at)
        if answered_on >= since and isinstance(value, int | float) and value <= at_most:
            found.append((duo_id, answered_on, int(value)))
    return found


def outcome_answers(response: Response) -> dict[str, Any] | None:
    """The structured facts of a submitted mentee response, for the impact app's outcomes table;
    None for a mentor's response or one without employment or opportunity answers.

    Keys: person_id, duo_id, cohort_id, instrument, moment, answered_on, employment_status,
    contract_type, had_opportunity (True/False/None = unknown), opportunity_types (the counting
    types of PRODUCT.md), opportunity_date, opportunity_sector, job_interviews, network_contacts,
    relevant_network (True/False/None), source ("self" or "staff_interview").
    """
    invitation = response.invitation
    instrument = invitation.wave.instrument
    if instrument.audience != Audience.MENTEE or response.submitted_at is None:
        return None
    given = dict(response.answers.values_list("question__key", "value"))
    if not {"employment_status", "had_opportunity", "network_contacts"} & given.keys():
        return None
    had = given.get("had_opportunity")
    contacts = given.get("network_contacts")
    return {
        "person_id": invitation.person_id,
        "duo_id": invitation.duo_id,
        "cohort_id": invitation.wave.cohort_id,
        "instrument": instrument.code,
        "moment": instrument.moment,
        "answered_on": timezone.localdate(response.submitted_at),
        "employment_status": given.get("employment_status"),
        "contract_type": given.get("contract_type"),
        "had_opportunity": None if had is None else had == "yes",
        "opportunity_types": [t for t in given.get("opportunity_types") or [] if t in COUNTING_OPPORTUNITIES],
        "opportunity_date": given.get("opportunity_date"),
        "opportunity_sector": given.get("opportunity_sector"),
        "job_interviews": given.get("job_interviews"),
        "network_contacts": contacts,
        "relevant_network": None if contacts is None else contacts >= NETWORK_THRESHOLD,
        "source": response.source,
    }


# --- instruments -------------------------------------------------------------------------


def instruments_overview() -> QuerySet[Instrument]:
    """Every instrument with its newest version number, how many questions that version has and
    how many responses it has collected in all versions (one query)."""
    newest = InstrumentVersion.objects.filter(instrument=OuterRef("pk")).order_by("-number")
    return Instrument.objects.annotate(
        current_number=Subquery(newest.values("number")[:1]),
        n_questions=Subquery(
            Question.objects.filter(
                version=Subquery(
                    InstrumentVersion.objects.filter(instrument=OuterRef(OuterRef("pk")))
                    .order_by("-number")
                    .values("pk")[:1]
                )
            )
            .order_by()
            .values("version")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        n_responses=Count("versions__responses", distinct=True),
    ).order_by("audience", "code")


def instrument_versions(instrument: Instrument) -> QuerySet[InstrumentVersion]:
    """The instrument's versions, newest first, with their question and response counts."""
    return instrument.versions.annotate(
        n_questions=Count("questions", distinct=True),
        n_responses=Count("responses", distinct=True),
    ).order_by("-number")
