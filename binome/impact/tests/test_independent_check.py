"""The independent check: hand-labelled cases against the KPI figures.

Written from the written definitions (PRODUCT.md "Definitions", issue 17), not from the selectors:
each case below is one person in one cohort, built through the services as it would happen (duos
formed, meetings recorded by one member and confirmed by the other, surveys answered on their
links, staff records, drop-outs, re-pairing, erasure, merging), then labelled by hand:

- opportunity: a participant (a mentee whose duo held a confirmed meeting) of an ended cohort with
  a CDI, CDD, temporary work, work-study contract, internship, qualifying training or business
  dated between the cohort's start and end: yes; a "none yet" answer given around the end: no;
  else unknown. A job interview does not count; a survey answer awaiting a conflict decision
  does not count.
- network: at least 3 contacts in the answer to the END questionnaire of that cohort, or in a
  staff record dated around the end, or 3 introductions made during the duo: yes; fewer in such
  an answer: no; else unknown. A later wave (+6 months) or another cohort's answer never counts.
- job_training_6: a CDI, CDD, temporary work, work-study contract, training or business between
  the start and 6 months after the end: yes; "none yet" around end + 6 months: no; else unknown.
- completion: one label per duo (completed: yes, ended early: no, still running: unknown).

"Around" is the end window of ANSWER_WINDOW_DAYS (31 days) either side: the cases sit well inside
or well outside it (days, or months, away), so they do not restate the implementation's bound.
The expected numerator / denominator / unknown of each slice are literal tables, written by hand;
a test also checks they agree with the labels, so a mislabelled case cannot hide.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.http import QueryDict
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from binome.accounts.models import Role, User
from binome.cohorts.services import create_cohort
from binome.impact import kpis
from binome.impact import services as impact
from binome.impact.kpis import Slice
from binome.impact.models import OutcomeConflict, Source
from binome.meetings import services as meetings
from binome.organisations.models import Organisation
from binome.pairing.duo_life import change_duo_status
from binome.pairing.models import Duo
from binome.pairing.services import create_duo
from binome.people.models import MenteeProfile, MentorProfile, Person
from binome.people.services import create_mentee_profile, create_mentor_profile, create_person
from binome.privacy.erasure import erase_person
from binome.privacy.merge import merge_people
from binome.reference.models import Occupation, Sector
from binome.sourcing.models import Referral
from binome.surveys import services as surveys
from binome.surveys.models import Wave
from binome.territories.models import Territory
from conftest import give_second_factor, pass_second_factor

pytestmark = pytest.mark.django_db

TODAY = date(2027, 9, 1)
# Cohort A and B in Paris, C in Lyon. B ends three and a half months after A.
A = (date(2026, 1, 5), date(2026, 7, 3))
B = (date(2026, 4, 20), date(2026, 10, 19))
C = (date(2026, 2, 2), date(2026, 8, 3))

Y, N, U, X = "yes", "no", "unknown", "not counted"

# name: cohort, opportunity, network, job_training_6, completion of each of the person's duos in that cohort
LABELS: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "a_cdi": ("A", Y, U, Y, (Y,)),
    "a_cdd_survey_net3": ("A", Y, Y, Y, (Y,)),  # a network of exactly 3
    "a_interim": ("A", Y, U, Y, (Y,)),
    "a_work_study": ("A", Y, U, Y, (Y,)),
    "a_internship": ("A", Y, U, U, (Y,)),  # an internship is an opportunity, not a job or training
    "a_training": ("A", Y, U, Y, (Y,)),
    "a_business_on_end": ("A", Y, U, Y, (Y,)),
    "a_interview_net2": ("A", N, N, U, (Y,)),  # an interview alone does not count; a network of 2
    "a_net2_then4": ("A", N, N, N, (Y,)),  # 2 at the end, 4 at +6 months: not networked at the end
    "a_net4": ("A", N, Y, U, (Y,)),  # a network of 4
    "a_intros3": ("A", U, Y, U, (Y,)),
    "a_intros2": ("A", U, U, U, (Y,)),
    "a_dropout": ("A", U, U, U, (N,)),  # left after one meeting: stays in the denominators
    "a_never_met": ("A", X, X, X, (N,)),  # no confirmed meeting: not a participant
    "a_repaired": ("A", Y, U, Y, (N, Y)),  # first duo ended early, second completed: one person
    "a_two_cohorts": ("A", U, U, Y, (N,)),  # also in B: B's end answer does not speak for A
    "a_conflict_survey_first": ("A", N, N, U, (Y,)),  # survey CDD, then staff "none yet": aside
    "a_conflict_staff_first": ("A", N, N, U, (Y,)),  # staff "none yet", then survey CDD: aside
    "a_conflict_same_kind": ("A", U, N, Y, (Y,)),  # survey CDI in June, staff CDI in August
    "a_confirmed_by_survey": ("A", Y, Y, Y, (Y,)),  # staff CDI with sector, survey CDI same day
    "a_undated_survey": ("A", Y, N, U, (Y,)),  # undated internship in the end answer
    "a_erased": ("A", Y, U, Y, (Y,)),
    "a_merged": ("A", Y, U, Y, (Y,)),  # the training was recorded on a duplicate file
    "a_before_start": ("A", U, U, U, (Y,)),
    "a_none_months_late": ("A", U, U, U, (Y,)),  # staff "none yet" 2½ months after the end
    "a_staff_net_months_late": ("A", U, U, U, (Y,)),  # staff count of 5 2 months after the end
    "a_staff_net_at_end": ("A", U, Y, U, (Y,)),
    "a_mid_undated": ("A", Y, U, Y, (Y,)),  # undated CDD in the mid-point answer
    "b_two_cohorts": ("B", Y, Y, Y, (Y,)),
    "b_net_early_none": ("B", N, U, U, (Y,)),  # staff count of 4 2½ months before the end
    "b_plain": ("B", U, U, U, (Y,)),
    "c_cdi": ("C", Y, U, Y, (Y,)),
    "c_none_net1": ("C", N, N, U, (Y,)),
    "c_follow6_undated": ("C", N, N, Y, (Y,)),  # undated CDI at +6 months; its network of 5 is late
    "c_never_met": ("C", X, X, X, (U,)),  # never met, never closed
}
FIGURES = ("opportunity", "network", "job_training_6", "completion")

# (numerator, denominator, unknown), written by hand from the labels above.
EXPECTED: dict[str, dict[str, tuple[int, int, int]]] = {
    "cohort A": {
        "opportunity": (13, 27, 9),
        "network": (5, 27, 16),
        "job_training_6": (13, 27, 13),
        "completion": (25, 29, 0),
    },
    "cohort B": {
        "opportunity": (1, 3, 1),
        "network": (1, 3, 2),
        "job_training_6": (1, 3, 2),
        "completion": (3, 3, 0),
    },
    "cohort C": {
        "opportunity": (1, 3, 0),
        "network": (0, 3, 1),
        "job_training_6": (2, 3, 1),
        "completion": (3, 4, 1),
    },
    "Paris": {
        "opportunity": (14, 30, 10),
        "network": (6, 30, 18),
        "job_training_6": (14, 30, 15),
        "completion": (28, 32, 0),
    },
    "Lyon": {
        "opportunity": (1, 3, 0),
        "network": (0, 3, 1),
        "job_training_6": (2, 3, 1),
        "completion": (3, 4, 1),
    },
    "national": {
        "opportunity": (15, 33, 10),
        "network": (6, 33, 19),
        "job_training_6": (16, 33, 16),
        "completion": (31, 36, 1),
    },
}
SLICE_COHORTS = {
    "cohort A": {"A"},
    "cohort B": {"B"},
    "cohort C": {"C"},
    "Paris": {"A", "B"},
    "Lyon": {"C"},
    "national": {"A", "B", "C"},
}


def _at(day: date) -> Any:
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=UTC), tick=False)


@dataclass
class World:
    """The programme, built through the services day by day (each step at its own date)."""

    coordinator: User
    territories: dict[str, Territory]
    cohorts: dict[str, Any]
    mentors: dict[str, MentorProfile]
    partner: Organisation
    mentees: dict[str, MenteeProfile] = field(default_factory=dict)
    duos: dict[str, list[Duo]] = field(default_factory=dict)

    def person(self, name: str) -> Person:
        return self.mentees[name].person

    def mentee(self, name: str, territory: str) -> MenteeProfile:
        person = create_person(
            actor=self.coordinator, first_name=name, last_name="Cas", territory=self.territories[territory]
        )
        profile = create_mentee_profile(
            person, actor=self.coordinator, targets=["M1805"], protection_status="refugee", french_level="B1"
        )
        # Screening is not under test here: the referral arrives enrolled, as pairing requires.
        Referral.objects.create(person=person, partner=self.partner, status=Referral.Status.ENROLLED)
        self.mentees[name] = profile
        return profile

    def pair(self, name: str, cohort: str, mentor: str, start: date) -> Duo:
        with _at(start):
            duo = create_duo(
                self.cohorts[cohort], self.mentees[name], self.mentors[mentor], started_on=start, actor=self.coordinator
            )
        self.duos.setdefault(name, []).append(duo)
        return duo

    def meet(self, duo: Duo, day: date, *, confirmed: bool = True) -> None:
        """The mentor records the meeting; the mentee confirms it (a meeting counts once confirmed)."""
        with _at(day):
            meeting = meetings.record_meeting(
                duo, actor=None, author="mentor", held_on=day, duration_minutes=90, mode="in_person", topics=["cv"]
            )
            if confirmed:
                meetings.confirm_meeting(meeting, actor=None, as_role="mentee")

    def close(self, duo: Duo, day: date, status: str = Duo.Status.COMPLETED, *, mentee_stays: bool = True) -> None:
        with _at(day):
            change_duo_status(duo, status, actor=self.coordinator, reason="départ", mentee_stays=mentee_stays)

    def staff(self, name: str, kind: str, day: date, *, recorded_on: date | None = None, **facts: Any) -> None:
        with _at(recorded_on or max(day, A[0])):
            impact.record_outcome(
                actor=self.coordinator, person=self.person(name), kind=kind, date=day, source=Source.STAFF, **facts
            )

    def staff_network(self, name: str, contacts: int, day: date) -> None:
        with _at(day):
            impact.record_network(
                actor=self.coordinator, person=self.person(name), contacts=contacts, date=day, source=Source.STAFF
            )

    def answer(self, name: str, cohort: str, code: str, day: date, **values: str | list[str]) -> None:
        """The person answers the cohort's questionnaire on their link, on `day`."""
        wave = Wave.objects.get(cohort=self.cohorts[cohort], instrument__code=code)
        with _at(day):
            surveys.invite_wave(wave, day, notify=False)
            invitation = wave.invitations.get(person=self.person(name))
            data = QueryDict(mutable=True)
            data.setlist("shown", list(values))
            for key, value in values.items():
                data.setlist(f"q_{key}", value if isinstance(value, list) else [value])
            assert surveys.save_answers(invitation, data) == {}
            assert surveys.submit_response(invitation) == {}


def end_answer(had: str, contacts: int, *, types: list[str] | None = None, on: str = "") -> dict[str, Any]:
    values: dict[str, Any] = {
        "employment_status": "working" if had == "yes" else "job_seeking",
        "had_opportunity": had,
        "network_contacts": str(contacts),
        "confidence": "4",
        "workplace_codes": "4",
    }
    if types:
        values["opportunity_types"] = types
    if on:
        values["opportunity_date"] = on
    return values


def _setup() -> World:
    surveys.load_instruments()
    paris = Territory.objects.create(name="Paris", slug="paris", centre_id=2988507)
    lyon = Territory.objects.create(name="Lyon", slug="lyon", centre_id=2996944)
    coordinator = User.objects.create_user(email="amara@binome.test", password="x-correct-horse")
    Role.objects.create(user=coordinator, kind=Role.Kind.NATIONAL_ADMIN)
    acme = Organisation.objects.create(name="Acme", slug="acme", kind="company", territory=paris)
    rhone = Organisation.objects.create(name="Rhône", slug="rhone", kind="company", territory=lyon)
    ngo = Organisation.objects.create(name="Accueil", slug="accueil", kind="ngo", territory=paris)
    mentors = {}
    for key, territory, company in (("ben", paris, acme), ("eve", paris, acme), ("dev", lyon, rhone)):
        person = create_person(actor=coordinator, first_name=key, last_name="Mentor", territory=territory)
        mentors[key] = create_mentor_profile(
            person,
            actor=coordinator,
            company=company,
            job_title="Dev",
            occupation_id="M1805",
            training_status="completed",
        )
    cohorts = {}
    for key, territory, (start, end) in (("A", paris, A), ("B", paris, B), ("C", lyon, C)):
        with _at(start):
            cohorts[key] = create_cohort(
                territory=territory,
                name=f"Cohorte {key}",
                starts_on=start,
                ends_on=end,
                template=None,
                actor=coordinator,
            )
    return World(coordinator, {"Paris": paris, "Lyon": lyon}, cohorts, mentors, ngo)


def _duos(w: World) -> None:
    """Every case's duo(s), meetings and how the duo ended."""
    for name, (cohort, *_labels) in LABELS.items():
        if name == "b_two_cohorts":
            continue  # the same person as a_two_cohorts
        territory = "Lyon" if cohort == "C" else "Paris"
        w.mentee(name, territory)
    w.mentees["b_two_cohorts"] = w.mentees["a_two_cohorts"]
    special = {"a_never_met", "a_dropout", "a_repaired", "a_two_cohorts", "b_two_cohorts", "c_never_met"}
    for name, (cohort, *_labels) in LABELS.items():
        if name in special:
            continue
        start, end = {"A": A, "B": B, "C": C}[cohort]
        duo = w.pair(name, cohort, "dev" if cohort == "C" else "ben", start)
        w.meet(duo, date(start.year, start.month, 20))
        w.meet(duo, date(start.year, start.month + 1, 10))
        _introduce(w, duo, {"a_intros3": 3, "a_intros2": 2}.get(name, 0))
        if name == "a_mid_undated":  # the mid-point questionnaire goes to running duos: answered before the end
            surveys.schedule_waves(w.cohorts["A"])
            mid = {**end_answer("yes", 0, types=["cdd"]), "duo_checkin": "4"}
            del mid["network_contacts"], mid["workplace_codes"]
            w.answer(name, "A", "mentee_mid", date(2026, 4, 5), **mid)
        w.close(duo, end)
    never = w.pair("a_never_met", "A", "eve", A[0])
    w.meet(never, date(2026, 1, 20), confirmed=False)  # recorded by the mentor, never confirmed
    w.close(never, date(2026, 3, 1), Duo.Status.ENDED_EARLY)
    w.pair("c_never_met", "C", "dev", C[0])  # never met, never closed
    dropout = w.pair("a_dropout", "A", "eve", A[0])
    w.meet(dropout, date(2026, 1, 22))
    w.close(dropout, date(2026, 3, 1), Duo.Status.ENDED_EARLY, mentee_stays=False)
    first = w.pair("a_repaired", "A", "ben", A[0])
    w.meet(first, date(2026, 1, 25))
    w.close(first, date(2026, 2, 15), Duo.Status.ENDED_EARLY)  # back in the cohort's pool
    second = w.pair("a_repaired", "A", "eve", date(2026, 2, 20))
    w.meet(second, date(2026, 3, 2))
    w.close(second, A[1])
    in_a = w.pair("a_two_cohorts", "A", "eve", A[0])
    w.meet(in_a, date(2026, 1, 26))
    w.close(in_a, date(2026, 4, 10), Duo.Status.ENDED_EARLY)  # re-enrolled in the next cohort
    in_b = w.pair("b_two_cohorts", "B", "eve", B[0])
    w.meet(in_b, date(2026, 5, 4))
    w.close(in_b, B[1])


def _introduce(w: World, duo: Duo, n: int) -> None:
    """n network introductions made for the duo while it runs (recorded by staff)."""
    for k in range(n):
        with _at(date(2026, 5, 1 + k)):
            meetings.record_introduction(
                duo, actor=w.coordinator, introduced_on=date(2026, 5, 1 + k), contact_role="RH", company="X"
            )


def _facts(w: World) -> None:
    """Staff records and survey answers, in the order they happen."""
    d = date
    for name, kind, day in (
        ("a_cdi", "cdi", d(2026, 5, 10)),
        ("a_interim", "interim", d(2026, 4, 1)),
        ("a_work_study", "work_study", d(2026, 6, 15)),
        ("a_internship", "internship", d(2026, 5, 1)),
        ("a_training", "training", d(2026, 3, 1)),
        ("a_business_on_end", "business", A[1]),
        ("a_repaired", "cdd", d(2026, 6, 10)),
        ("a_erased", "cdi", d(2026, 4, 15)),
        ("a_before_start", "cdi", d(2025, 12, 1)),
        ("a_none_months_late", "none", d(2026, 9, 15)),
        ("b_net_early_none", "none", d(2026, 10, 1)),
        ("c_cdi", "cdi", d(2026, 6, 1)),
    ):
        w.staff(name, kind, day)
    w.staff(
        "a_confirmed_by_survey",
        "cdi",
        d(2026, 5, 15),
        sector=Sector.objects.get(pk="62"),
        occupation=Occupation.objects.get(pk="M1805"),
    )
    w.staff("a_conflict_staff_first", "none", d(2026, 7, 5))
    with _at(d(2026, 8, 20)):  # a duplicate file carries the training; it is merged into the mentee's
        other = create_person(
            actor=w.coordinator, first_name="a_merged", last_name="Doublon", territory=w.territories["Paris"]
        )
        impact.record_outcome(
            actor=w.coordinator, person=other, kind="training", date=d(2026, 5, 20), source=Source.STAFF
        )
        merge_people(w.person("a_merged"), other, actor=w.coordinator)
    for cohort in w.cohorts.values():
        surveys.schedule_waves(cohort)
    end_a = d(2026, 7, 10)
    w.answer("a_cdd_survey_net3", "A", "mentee_end", end_a, **end_answer("yes", 3, types=["cdd"], on="2026-06-01"))
    w.answer("a_interview_net2", "A", "mentee_end", end_a, **end_answer("no", 2), job_interviews="2")
    w.answer("a_net2_then4", "A", "mentee_end", end_a, **end_answer("no", 2))
    w.answer("a_net4", "A", "mentee_end", end_a, **end_answer("no", 4))
    w.answer(
        "a_conflict_survey_first", "A", "mentee_end", end_a, **end_answer("yes", 0, types=["cdd"], on="2026-06-01")
    )
    w.answer("a_conflict_staff_first", "A", "mentee_end", end_a, **end_answer("yes", 1, types=["cdd"], on="2026-06-01"))
    w.answer("a_conflict_same_kind", "A", "mentee_end", end_a, **end_answer("yes", 0, types=["cdi"], on="2026-06-20"))
    w.answer(
        "a_confirmed_by_survey",
        "A",
        "mentee_end",
        d(2026, 7, 11),
        **end_answer("yes", 3, types=["cdi"], on="2026-05-15"),
    )
    w.answer("a_undated_survey", "A", "mentee_end", d(2026, 7, 12), **end_answer("yes", 0, types=["internship"]))
    w.staff("a_conflict_survey_first", "none", d(2026, 7, 20))
    w.staff("a_conflict_same_kind", "cdi", d(2026, 8, 1), recorded_on=d(2026, 8, 2))
    w.staff_network("a_staff_net_at_end", 3, d(2026, 7, 20))
    w.staff_network("a_staff_net_months_late", 5, d(2026, 9, 10))
    w.staff_network("b_net_early_none", 4, d(2026, 8, 1))
    with _at(d(2026, 8, 1)):
        erase_person(w.person("a_erased"), actor=w.coordinator)
    w.answer("c_none_net1", "C", "mentee_end", d(2026, 8, 10), **end_answer("no", 1))
    w.answer("c_follow6_undated", "C", "mentee_end", d(2026, 8, 10), **end_answer("no", 2))
    w.answer(
        "b_two_cohorts", "B", "mentee_end", d(2026, 10, 25), **end_answer("yes", 4, types=["cdi"], on="2026-09-15")
    )
    follow = {"employment_status": "job_seeking", "had_opportunity": "no", "network_contacts": "4"}
    w.answer("a_net2_then4", "A", "mentee_follow6", d(2027, 1, 10), **follow)
    follow = {
        "employment_status": "working",
        "had_opportunity": "yes",
        "opportunity_types": ["cdi"],
        "network_contacts": "5",
    }
    w.answer("c_follow6_undated", "C", "mentee_follow6", d(2027, 2, 10), **follow)


@pytest.fixture
def world(db: Any) -> World:
    w = _setup()
    _duos(w)
    _facts(w)
    return w


def _slices(w: World) -> dict[str, Slice]:
    return {
        "cohort A": Slice(cohort_id=w.cohorts["A"].pk),
        "cohort B": Slice(cohort_id=w.cohorts["B"].pk),
        "cohort C": Slice(cohort_id=w.cohorts["C"].pk),
        "Paris": Slice(territory_id=w.territories["Paris"].pk),
        "Lyon": Slice(territory_id=w.territories["Lyon"].pk),
        "national": Slice(),
    }


def _count(cohorts: set[str], key: str) -> tuple[int, int, int]:
    """(numerator, denominator, unknown) of the labels: the hand tables must say the same."""
    position = FIGURES.index(key) + 1
    if key == "completion":
        labels = [x for row in LABELS.values() if row[0] in cohorts for x in row[4]]
    else:
        labels = [str(row[position]) for row in LABELS.values() if row[0] in cohorts and row[position] != X]
    return labels.count(Y), len(labels), labels.count(U)


def test_the_hand_tables_agree_with_the_hand_labels() -> None:
    assert len(LABELS) >= 30
    for name, cohorts in SLICE_COHORTS.items():
        for key in FIGURES:
            assert _count(cohorts, key) == EXPECTED[name][key], (name, key)


def _got(figures: list[kpis.Figure]) -> dict[str, tuple[int, int, int]]:
    return {f.key: (int(f.numerator), int(f.denominator or 0), f.unknown) for f in figures if f.key in FIGURES}


def test_figures_give_the_hand_counted_numbers_for_a_cohort_a_territory_and_national(world: World) -> None:
    slices = _slices(world)
    for name, slice_ in slices.items():
        assert _got(kpis.compute(slice_, today=TODAY, keys=list(FIGURES))[None]) == EXPECTED[name], name
        assert _got(kpis.figures(slice_, today=TODAY)) == EXPECTED[name], name
    by_cohort = kpis.compute(Slice(), today=TODAY, group="cohort")
    by_territory = kpis.compute(Slice(), today=TODAY, group="territory")
    for key in "ABC":
        assert _got(by_cohort[world.cohorts[key].pk]) == EXPECTED[f"cohort {key}"], key
    for key in ("Paris", "Lyon"):
        assert _got(by_territory[world.territories[key].pk]) == EXPECTED[key], key


def _names(slice_: Slice, key: str, part: str) -> set[str]:
    cases = kpis.people_counted(slice_, key, part, today=TODAY)  # one per person x cohort
    names = dict(Person.objects.filter(pk__in={c.person_id for c in cases}).values_list("pk", "first_name"))
    return {names[c.person_id] for c in cases}


def _labelled(cohort: str, key: str, label: str) -> set[str]:
    position = FIGURES.index(key) + 1
    return {name for name, row in LABELS.items() if row[0] == cohort and row[position] == label}


def test_the_people_behind_cohort_a_figures_are_the_hand_labelled_ones(world: World) -> None:
    a = _slices(world)["cohort A"]
    pseudonym = Person.objects.get(pk=world.person("a_erased").pk).first_name  # erased: shown as a pseudonym
    assert pseudonym != "a_erased"
    shown = {name: pseudonym if name == "a_erased" else name for name in LABELS}
    for key in ("opportunity", "network", "job_training_6"):
        for part, label in (("numerator", Y), ("unknown", U)):
            assert _names(a, key, part) == {shown[n] for n in _labelled("A", key, label)}, (key, part)


def test_the_conflicts_are_the_same_whatever_the_order_of_entry(world: World) -> None:
    pending = OutcomeConflict.objects.filter(decision=OutcomeConflict.Decision.PENDING)
    by_person = {c.person.first_name: (c.staff_outcome.kind, c.survey_outcome.kind) for c in pending}
    assert by_person == {
        "a_conflict_survey_first": ("none", "cdd"),
        "a_conflict_staff_first": ("none", "cdd"),
        "a_conflict_same_kind": ("cdi", "cdi"),
    }


def _page_counts(html: str, key: str) -> tuple[int, int, int]:
    """numerator, denominator, unknown of one figure's row on an impact page, read from its cells."""
    row = re.search(rf'<tr data-kpi="{key}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {key}"
    cells = {
        part: re.sub(r"<[^>]+>", "", text).strip()
        for part, text in re.findall(r'data-part="(\w+)">(.*?)</td>', row.group(1), re.S)
    }
    return int(cells["numerator"]), int(cells["denominator"]), int(cells["unknown"])


def test_every_output_gives_the_hand_counted_numbers(world: World, client: Any) -> None:
    """The pages, the drill-downs, the XLSX and the PDF of cohort A, Paris and national, read as
    their reader reads them, against the hand tables (not against the code that computes them)."""
    pages = {
        "cohort A": f"?cohort={world.cohorts['A'].pk}",
        "Paris": f"?territory={world.territories['Paris'].pk}",
        "national": "",
    }
    with _at(TODAY):  # signed in on the day the figures are read (a session does not last a year)
        give_second_factor(world.coordinator)
        client.force_login(world.coordinator)
        pass_second_factor(client, world.coordinator)
        for name, query in pages.items():
            html = client.get(f"/staff/impact/{query}", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
            for key in FIGURES:
                assert _page_counts(html, key) == EXPECTED[name][key], (name, key)
            for key in ("opportunity", "network"):
                numerator, denominator, unknown = EXPECTED[name][key]
                for part, expected in (("numerator", numerator), ("denominator", denominator), ("unknown", unknown)):
                    sep = "&" if query else "?"
                    drill = client.get(f"/staff/impact/people/{query}{sep}kpi={key}&part={part}").content.decode()
                    shown = re.search(rf'data-count="{key}-{part}">(\d+)<', drill)
                    assert shown, (name, key, part)
                    assert int(shown.group(1)) == expected, (name, key, part)
        cohort = world.cohorts["A"].pk
        xlsx = client.get(f"/staff/impact/cohort/{cohort}/report.xlsx", HTTP_ACCEPT_LANGUAGE="fr")
        pdf = client.get(f"/staff/impact/cohort/{cohort}/report.pdf", HTTP_ACCEPT_LANGUAGE="fr")
    assert xlsx.status_code == pdf.status_code == 200
    with translation.override("fr"):
        labels = {str(kpis.BY_KEY[key].label): key for key in FIGURES}
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    in_xlsx = {labels[row[0]]: tuple(row[1:4]) for row in sheet.iter_rows(values_only=True) if row[0] in labels}
    assert in_xlsx == EXPECTED["cohort A"]
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    for label, key in labels.items():
        numerator, denominator, unknown = EXPECTED["cohort A"][key]
        assert re.search(rf"{re.escape(label)}.{{0,200}}? {numerator} {denominator} {unknown} ", text), key
