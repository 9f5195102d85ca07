"""Person-level facts behind the KPIs, one row per duo, with pseudonymous ids only.

Used by the staff XLSX reports ("People" sheet) and by the CSV export; the tests recompute every
KPI from this CSV in plain Python to check the database selectors independently.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from binome.cohorts.models import Workshop, WorkshopInvitation
from binome.impact.kpis import Slice
from binome.impact.models import MentorSkillsScore, NetworkReport, Outcome
from binome.lib import spreadsheets
from binome.meetings.models import COUNTED, Meeting, NetworkIntroduction
from binome.people.models import MentorProfile

PERSON_COLUMNS = [
    "duo_id",
    "cohort_id",
    "territory_id",
    "company_id",
    "cohort_starts_on",
    "cohort_ends_on",
    "mentee_id",
    "mentee_person_id",
    "mentor_id",
    "mentor_person_id",
    "status",
    "started_on",
    "ended_on",
    "confirmed_meetings",
    "confirmed_meetings_to_date",
    "confirmed_minutes",
    "introductions",  # dates, ";"-separated
    "outcomes",  # kind@date of counted (active) outcomes of the mentee
    "network_reports",  # contacts@date
    "mentor_scores",  # moment@date@score
    "mentor_trained_on",  # when the mentor completed training, else empty
    "invitations",  # id@present(1/0/empty)@role@minutes@kind, the duo's members at its cohort's past workshops
]


DUO_VALUES = (
    "pk",
    "cohort_id",
    "cohort__territory_id",
    "mentor__company_id",
    "cohort__starts_on",
    "cohort__ends_on",
    "mentee_id",
    "mentee__person_id",
    "mentor_id",
    "mentor__person_id",
    "status",
    "started_on",
    "ended_on",
    "mentor__training_status",
    "mentor__trained_on",
)


@dataclass
class _Facts:
    """What the slice's duos and their members hold, each kind read in one query, as export cells."""

    meetings: dict[int, Mapping[str, Any]]
    introductions: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    outcomes: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    reports: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    scores: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    invitations: dict[tuple[int, int], list[str]] = field(default_factory=lambda: defaultdict(list))


def person_rows(slice_: Slice, *, today: date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    duos = list(slice_.duos().order_by("pk").values(*DUO_VALUES))
    facts = _facts(duos, today)
    return [_person_row(d, facts) for d in duos]


def _facts(duos: list[dict[str, Any]], today: date) -> _Facts:
    duo_ids = [d["pk"] for d in duos]
    mentee_people = {d["mentee__person_id"] for d in duos}
    mentor_people = {d["mentor__person_id"] for d in duos}
    facts = _Facts(
        meetings={
            row["duo_id"]: row
            for row in Meeting.objects.filter(COUNTED, duo_id__in=duo_ids)
            .values("duo_id")
            .annotate(n=Count("pk"), to_date=Count("pk", filter=Q(held_on__lte=today)), minutes=Sum("duration_minutes"))
        }
    )
    for duo_id, day in NetworkIntroduction.objects.filter(duo_id__in=duo_ids).values_list("duo_id", "introduced_on"):
        facts.introductions[duo_id].append(day.isoformat())
    for person_id, kind, day in Outcome.objects.filter(
        person_id__in=mentee_people, status=Outcome.Status.ACTIVE
    ).values_list("person_id", "kind", "date"):
        facts.outcomes[person_id].append(f"{kind}@{day.isoformat()}")
    for person_id, contacts, day in NetworkReport.objects.filter(person_id__in=mentee_people).values_list(
        "person_id", "contacts", "date"
    ):
        facts.reports[person_id].append(f"{contacts}@{day.isoformat()}")
    for person_id, moment, day, score in MentorSkillsScore.objects.filter(person_id__in=mentor_people).values_list(
        "person_id", "moment", "date", "score"
    ):
        facts.scores[person_id].append(f"{moment}@{day.isoformat()}@{score!r}")
    _add_invitations(facts, {d["cohort_id"] for d in duos}, mentee_people | mentor_people)
    return facts


def _add_invitations(facts: _Facts, cohort_ids: set[int], people: set[int]) -> None:
    """The invitations to the cohorts' workshops already held, by (cohort, person)."""
    for pk, cohort_id, person_id, present, role, starts, ends, kind in WorkshopInvitation.objects.filter(
        workshop__status=Workshop.Status.PLANNED,
        workshop__starts_at__lt=timezone.now(),
        workshop__cohort_id__in=cohort_ids,
        person_id__in=people,
    ).values_list(
        "pk",
        "workshop__cohort_id",
        "person_id",
        "present",
        "role",
        "workshop__starts_at",
        "workshop__ends_at",
        "workshop__kind",
    ):
        flag = "" if present is None else str(int(present))
        minutes = int((ends - starts).total_seconds() // 60)
        facts.invitations[(cohort_id, person_id)].append(f"{pk}@{flag}@{role}@{minutes}@{kind}")


def _person_row(d: dict[str, Any], facts: _Facts) -> dict[str, Any]:
    m: Mapping[str, Any] = facts.meetings.get(d["pk"], {})
    trained = d["mentor__training_status"] == MentorProfile.Training.COMPLETED and d["mentor__trained_on"]
    return {
        "duo_id": d["pk"],
        "cohort_id": d["cohort_id"],
        "territory_id": d["cohort__territory_id"],
        "company_id": d["mentor__company_id"],
        "cohort_starts_on": d["cohort__starts_on"].isoformat(),
        "cohort_ends_on": d["cohort__ends_on"].isoformat(),
        "mentee_id": d["mentee_id"],
        "mentee_person_id": d["mentee__person_id"],
        "mentor_id": d["mentor_id"],
        "mentor_person_id": d["mentor__person_id"],
        "status": d["status"],
        "started_on": d["started_on"].isoformat(),
        "ended_on": d["ended_on"].isoformat() if d["ended_on"] else "",
        "confirmed_meetings": m.get("n", 0),
        "confirmed_meetings_to_date": m.get("to_date", 0),
        "confirmed_minutes": m.get("minutes") or 0,
        "introductions": ";".join(sorted(facts.introductions[d["pk"]])),
        "outcomes": ";".join(sorted(facts.outcomes[d["mentee__person_id"]])),
        "network_reports": ";".join(sorted(facts.reports[d["mentee__person_id"]])),
        "mentor_scores": ";".join(sorted(facts.scores[d["mentor__person_id"]])),
        "mentor_trained_on": d["mentor__trained_on"].isoformat() if trained and d["mentor__trained_on"] else "",
        "invitations": ";".join(
            sorted(
                facts.invitations[(d["cohort_id"], d["mentee__person_id"])]
                + facts.invitations[(d["cohort_id"], d["mentor__person_id"])]
            )
        ),
    }


def person_csv(slice_: Slice, *, today: date | None = None) -> str:
    out = io.StringIO()
    writer = spreadsheets.DictWriter(out, fieldnames=PERSON_COLUMNS)
    writer.writeheader()
    writer.writerows(person_rows(slice_, today=today))
    return out.getvalue()
