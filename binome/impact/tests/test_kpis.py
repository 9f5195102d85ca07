from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from binome.cohorts.models import Workshop, WorkshopInvitation
from binome.impact import kpis
from binome.impact.kpis import Slice, wilson
from binome.impact.models import MentorSkillsScore, NetworkReport, Outcome, Source
from binome.meetings.models import NetworkIntroduction
from binome.pairing.models import Duo

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        (5, 10, 0.2366, 0.7634),
        (50, 100, 0.4038, 0.5962),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (1, 3, 0.0615, 0.7923),
    ],
)
def test_wilson_known_values(x, n, low, high):
    lo, hi = wilson(x, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


def test_wilson_without_cases():
    assert wilson(0, 0) is None


def _outcome(person, kind, day, status=Outcome.Status.ACTIVE):
    return Outcome.objects.create(person=person, kind=kind, date=day, source=Source.STAFF, status=status)


@pytest.fixture
def paris(cast):
    """The Paris cohort (1 March – 1 September 2026) with seven duos; see each test for the facts."""
    cohort = cast.paris_duo.cohort
    cast.paris_duo.status = Duo.Status.COMPLETED
    cast.paris_duo.save()
    f.add_meetings(cast.paris_duo, 3)
    eve = f.mentor(cast.paris, cast.boulangerie, "Eve")
    people = {"chloe": cast.chloe}
    duos = {"chloe": cast.paris_duo}
    plan = {
        "m2": (Duo.Status.COMPLETED, 1, 0, cast.ben),
        "m3": (Duo.Status.ENDED_EARLY, 1, 0, cast.ben),
        "m4": (Duo.Status.ACTIVE, 2, 0, eve),
        "m5": (Duo.Status.ACTIVE, 0, 2, eve),  # never confirmed a meeting: not a participant
        "m6": (Duo.Status.ENDED_EARLY, 1, 0, eve),
        "m7": (Duo.Status.COMPLETED, 1, 0, eve),
    }
    for name, (status, met, unconfirmed, mentor) in plan.items():
        people[name] = f.mentee(cast.paris, name)
        duos[name] = f.duo(
            cohort,
            mentor,
            people[name],
            status=status,
            meetings=met,
            unconfirmed=unconfirmed,
            ended_on=date(2026, 6, 1) if status == Duo.Status.ENDED_EARLY else None,
        )
    p = {k: v.person for k, v in people.items()}
    _outcome(p["chloe"], Outcome.Kind.CDD, date(2026, 8, 20))
    _outcome(p["m2"], Outcome.Kind.NONE, date(2026, 9, 5))
    _outcome(p["m4"], Outcome.Kind.INTERVIEW, date(2026, 7, 1))
    _outcome(p["m6"], Outcome.Kind.CDI, date(2026, 5, 1))
    _outcome(p["m7"], Outcome.Kind.CDI, date(2026, 2, 1))  # before the cohort: does not count
    _outcome(p["m7"], Outcome.Kind.NONE, date(2026, 8, 10))
    _outcome(p["m3"], Outcome.Kind.CDI, date(2026, 8, 1), status=Outcome.Status.CONFLICT)  # undecided: ignored
    return cohort, p, duos, eve


def _figure(slice_, key, today=date(2026, 10, 1)):
    return next(fig for fig in kpis.figures(slice_, today=today) if fig.key == key)


def _names(cases):
    from binome.people.models import Person

    first = dict(Person.objects.values_list("pk", "first_name"))
    return sorted(first[case.person_id] for case in cases)


def test_opportunity_rate_counts_drop_outs_and_shows_unknowns(paris):
    cohort, _p, _duos, _eve = paris
    s = Slice(cohort_id=cohort.pk)
    fig = _figure(s, "opportunity")
    assert (fig.numerator, fig.denominator, fig.unknown) == (2, 6, 2)
    assert fig.rate == pytest.approx(2 / 6)
    assert fig.interval == pytest.approx(wilson(2, 6))
    assert fig.target == 0.5
    assert "interview alone does not count" in str(fig.definition)
    trace = lambda part: _names(kpis.people_counted(s, "opportunity", part, today=date(2026, 10, 1)))  # noqa: E731
    assert trace("numerator") == ["Chloé", "m6"]
    assert trace("unknown") == ["m3", "m4"]
    assert trace("denominator") == ["Chloé", "m2", "m3", "m4", "m6", "m7"]


def test_opportunity_waits_for_the_cohort_end(paris):
    cohort, *_ = paris
    fig = _figure(Slice(cohort_id=cohort.pk), "opportunity", today=date(2026, 8, 31))
    assert (fig.numerator, fig.denominator, fig.rate) == (0, 0, None)


def test_network_from_introductions_and_answers(paris, cast):
    cohort, p, duos, _eve = paris
    for k in range(3):
        NetworkIntroduction.objects.create(
            duo=duos["chloe"], introduced_on=date(2026, 5, 1 + k), contact_role="RH", company="X"
        )
    for k in range(2):
        NetworkIntroduction.objects.create(
            duo=duos["m4"], introduced_on=date(2026, 5, 1 + k), contact_role="RH", company="X"
        )
    NetworkIntroduction.objects.create(  # after the end: not counted
        duo=duos["m4"], introduced_on=date(2026, 9, 20), contact_role="RH", company="X"
    )
    NetworkReport.objects.create(person=p["m2"], date=date(2026, 9, 3), contacts=5, source=Source.STAFF)
    NetworkReport.objects.create(person=p["m3"], date=date(2026, 8, 15), contacts=1, source=Source.STAFF)
    NetworkReport.objects.create(person=p["m4"], date=date(2026, 6, 1), contacts=4, source=Source.STAFF)  # early
    fig = _figure(Slice(cohort_id=cohort.pk), "network")
    assert (fig.numerator, fig.denominator, fig.unknown) == (2, 6, 3)
    assert fig.target == 0.6
    assert _names(kpis.people_counted(Slice(cohort_id=cohort.pk), "network", "numerator")) == ["Chloé", "m2"]


def test_job_or_training_at_six_and_twelve_months(paris):
    cohort, p, *_ = paris
    _outcome(p["m2"], Outcome.Kind.TRAINING, date(2027, 1, 10))
    _outcome(p["m3"], Outcome.Kind.NONE, date(2027, 2, 15))
    _outcome(p["m4"], Outcome.Kind.INTERNSHIP, date(2026, 12, 1))  # an internship is not a job or training
    s = Slice(cohort_id=cohort.pk)
    six = _figure(s, "job_training_6", today=date(2027, 4, 1))
    assert (six.numerator, six.denominator, six.unknown) == (3, 6, 2)  # Chloé, m2, m6 yes; m3 and m7 no
    twelve_early = _figure(s, "job_training_12", today=date(2027, 4, 1))
    assert (twelve_early.denominator, twelve_early.rate) == (0, None)
    twelve = _figure(s, "job_training_12", today=date(2027, 9, 15))
    # m3's and m7's "none" answers are too old for +12 months: unknown.
    assert (twelve.numerator, twelve.denominator, twelve.unknown) == (3, 6, 3)


def test_completion_rate(paris):
    cohort, *_ = paris
    fig = _figure(Slice(cohort_id=cohort.pk), "completion")
    assert (fig.numerator, fig.denominator, fig.unknown) == (3, 7, 2)


def test_workshop_attendance(paris, cast):
    cohort, p, _duos, _eve = paris
    past = timezone.make_aware(datetime(2026, 4, 4, 10))
    end = timezone.make_aware(datetime(2026, 4, 4, 13))
    workshop = Workshop.objects.create(cohort=cohort, kind="codes_workshop", title="Codes", starts_at=past, ends_at=end)
    cancelled = Workshop.objects.create(
        cohort=cohort, kind="codes_workshop", title="X", starts_at=past, ends_at=end, status="cancelled"
    )
    WorkshopInvitation.objects.create(workshop=workshop, person=p["chloe"], role="mentee", present=True)
    WorkshopInvitation.objects.create(workshop=workshop, person=cast.ben.person, role="mentor", present=False)
    WorkshopInvitation.objects.create(workshop=workshop, person=p["m2"], role="mentee", present=None)
    WorkshopInvitation.objects.create(workshop=workshop, person=cast.leila.person, role="mentee", present=True)
    WorkshopInvitation.objects.create(workshop=cancelled, person=p["m3"], role="mentee", present=True)
    with time_machine.travel("2026-10-01 10:00 +0200", tick=False):
        fig = _figure(Slice(cohort_id=cohort.pk), "workshops")
        assert (fig.numerator, fig.denominator, fig.unknown) == (1, 3, 1)
        # Acme's slice: Ben's duos (Chloé, m2, m3) only.
        acme = _figure(Slice(company_id=cast.acme.pk), "workshops")
        assert (acme.numerator, acme.denominator, acme.unknown) == (1, 3, 1)
        assert _names(kpis.people_counted(Slice(cohort_id=cohort.pk), "workshops", "unknown")) == ["m2"]


def test_meetings_per_duo_per_month_and_hours(cast):
    f.add_meetings(cast.lyon_duo, 6)
    f.add_meetings(cast.lyon_duo, 2, confirmed=False)
    cast.dev.trained_on = date(2026, 2, 1)
    cast.dev.save()
    cohort = cast.lyon_duo.cohort
    start = timezone.make_aware(datetime(2026, 4, 4, 10))
    workshop = Workshop.objects.create(
        cohort=cohort, kind="codes_workshop", title="Codes", starts_at=start, ends_at=start + timedelta(hours=3)
    )
    WorkshopInvitation.objects.create(workshop=workshop, person=cast.dev.person, role="mentor", present=True)
    with time_machine.travel("2026-10-01 10:00 +0200", tick=False):
        figs = {x.key: x for x in kpis.figures(Slice(territory_id=cast.lyon.pk), today=date(2026, 10, 1))}
    meetings = figs["meetings"]
    months = (date(2026, 9, 1) - date(2026, 3, 8)).days / 30.4375
    assert meetings.numerator == 6
    assert meetings.denominator == round(months, 1)
    assert meetings.rate == pytest.approx(6 / months)
    assert figs["hours"].numerator == pytest.approx(6 * 1.5 + 7 + 3)


def test_mentor_skills_unknown_without_surveys_then_measured(paris, cast):
    cohort, _p, _duos, eve = paris
    fig = _figure(Slice(cohort_id=cohort.pk), "mentor_skills")
    assert (fig.numerator, fig.denominator, fig.unknown, fig.rate) == (0, 2, 2, None)
    MentorSkillsScore.objects.create(person=cast.ben.person, moment="baseline", score=50, date=date(2026, 2, 1))
    MentorSkillsScore.objects.create(person=cast.ben.person, moment="end", score=70, date=date(2026, 9, 2))
    MentorSkillsScore.objects.create(person=eve.person, moment="baseline", score=60, date=date(2026, 2, 1))
    fig = _figure(Slice(cohort_id=cohort.pk), "mentor_skills")
    assert (fig.numerator, fig.denominator, fig.unknown) == (1, 2, 1)
    assert fig.rate == 0.5


def test_company_slice_counts_only_its_employees_duos(paris, cast):
    _cohort, *_ = paris
    fig = _figure(Slice(company_id=cast.acme.pk), "opportunity")
    assert (fig.numerator, fig.denominator) == (1, 3)  # Chloé yes; m2 no; m3 unknown


def test_partner_territory_and_year_slices(paris, cast):
    _cohort, *_ = paris
    partner = _figure(Slice(partner_id=cast.paris_ngo.pk), "opportunity")
    assert (partner.numerator, partner.denominator) == (1, 1)  # Chloé only was referred by the NGO
    assert _figure(Slice(territory_id=cast.paris.pk), "opportunity").denominator == 6
    assert _figure(Slice(year=2026, territory_ids=frozenset({cast.paris.pk})), "opportunity").denominator == 6
    assert _figure(Slice(year=2025), "opportunity").denominator == 0


def test_grouped_by_cohort_matches_ungrouped(paris, cast):
    _cohort, *_ = paris
    f.add_meetings(cast.lyon_duo, 2)
    grouped = kpis.compute(Slice(), today=date(2026, 10, 1), group="cohort")
    for cohort_id, figs in grouped.items():
        alone = kpis.figures(Slice(cohort_id=cohort_id), today=date(2026, 10, 1))
        assert [x.as_dict() for x in figs] == [x.as_dict() for x in alone]


def test_funnel(paris, cast):
    _cohort, *_ = paris
    steps = {s.key: s.count for s in kpis.funnel(Slice(territory_id=cast.paris.pk), today=date(2026, 10, 1))}
    # Chloé's referral (no cohort recorded) and the six other mentees matched in Paris: a person
    # matched in a cohort was referred and found eligible, so the funnel never widens.
    assert steps == {
        "referred": 7,
        "eligible": 7,
        "matched": 7,
        "first_meeting": 6,
        "completed": 3,
        "opportunity": 2,
    }
    company = {s.key: s.count for s in kpis.funnel(Slice(company_id=cast.acme.pk), today=date(2026, 10, 1))}
    assert company["referred"] is None
