"""Demo surveys: waves for every cohort with duos, invitations for the waves already open by the
anchor day, and realistic answers.

The completed cohort (the one whose duos are all completed: "Paris 2025–2026") gets its whole
story: baseline, mid-point, end and the 6-month follow-up, with about half the mentees reporting
a concrete opportunity by the end, about 60 % a professional network of 3 or more contacts, a
few who never answered (unknowns), and mid-point check-ins with a couple of poor scores. The
running cohorts get their baseline and, when past it, their mid-point. Submitted answers feed
the impact app's outcomes through the same path as a real submission.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from random import Random
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from binome.cohorts.models import Cohort
from binome.impact.survey_outcomes import feed_outcomes
from binome.pairing.models import Duo
from binome.surveys import services
from binome.surveys.models import Invitation, Moment, Wave

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder

PARIS = ZoneInfo("Europe/Paris")
LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]
OPPORTUNITY_WEIGHTS = {
    "cdd": 30,
    "interim": 20,
    "cdi": 15,
    "training": 15,
    "work_study": 10,
    "internship": 8,
    "business": 2,
}
# Share of people who answer each moment (the rest are the "unknown" of the reports).
ANSWER_RATE = {Moment.BASELINE: 0.95, Moment.MID: 0.85, Moment.END: 0.85, Moment.FOLLOW6: 0.65, Moment.FOLLOW12: 0.55}


def _completed_cohort() -> Cohort | None:
    """The cohort whose duos have all completed; if none, the oldest cohort with duos."""
    with_duos = Cohort.objects.filter(duos__isnull=False).distinct().order_by("starts_on")
    for cohort in with_duos:
        if not cohort.duos.exclude(status=Duo.Status.COMPLETED).exists():
            return cohort
    return with_duos.first()


def seed_surveys(seeder: DemoSeeder) -> None:
    rng, anchor = seeder.rng, seeder.anchor
    services.load_instruments()
    completed = _completed_cohort()
    story = _Story(rng, completed)
    for cohort in Cohort.objects.filter(duos__isnull=False).distinct().order_by("starts_on"):
        for wave in services.schedule_waves(cohort):
            if wave.opens_on > anchor:
                continue
            invitations = services.invite_wave(wave, wave.opens_on, notify=False)
            Invitation.objects.filter(pk__in=[i.pk for i in invitations]).exclude(person__email="").update(
                sent_on=wave.opens_on, last_contacted_on=wave.opens_on
            )
            for invitation in wave.invitations.select_related("duo__mentee", "person").order_by("pk"):
                _maybe_answer(rng, anchor, wave, invitation, story)


class _Story:
    """Who, in the completed cohort, gets an opportunity, a network, a poor check-in."""

    def __init__(self, rng: Random, completed: Cohort | None) -> None:
        mentees = list(completed.duos.order_by("pk").values_list("mentee__person_id", flat=True)) if completed else []
        shuffled = rng.sample(mentees, len(mentees))
        half, most = round(len(mentees) * 0.5), round(len(mentees) * 0.6)
        self.opportunity = set(shuffled[:half])
        # Network and opportunity go together often, not always.
        self.network = set(rng.sample(shuffled[:half], k=min(half, most - 1))) | set(shuffled[half : half + 1])
        # One mentee without a result stops answering after the mid-point: an unknown, shown as such.
        self.silent = {p for p in shuffled if p not in self.opportunity | self.network}
        self.silent = set(sorted(self.silent)[:1])
        self.poor_checkin_duos: set[int] = set()
        self.completed_id = completed.pk if completed else None


def _when(rng: Random, wave: Wave, anchor: date) -> datetime:
    last = min(wave.closes_on, anchor - timedelta(days=1))
    day = wave.opens_on + timedelta(days=rng.randint(0, max(0, min(12, (last - wave.opens_on).days))))
    return datetime.combine(day, time(rng.randint(8, 21), rng.randint(0, 59)), tzinfo=PARIS)


def _maybe_answer(rng: Random, anchor: date, wave: Wave, invitation: Invitation, story: _Story) -> None:
    moment = wave.instrument.moment
    still_open = wave.closes_on >= anchor
    rate = ANSWER_RATE[Moment(moment)] * (0.6 if still_open else 1)
    if moment in (Moment.END, Moment.FOLLOW6) and invitation.person_id in story.silent:
        return
    told_us = wave.cohort_id == story.completed_id and invitation.person_id in story.opportunity | story.network
    if rng.random() > rate and not (moment == Moment.END and told_us):
        return  # no answer: an unknown (at the end, among those the story gives no result)
    values = _values(rng, wave, invitation, story)
    response = services.record_answers_directly(invitation, values, submitted_at=_when(rng, wave, anchor))
    response.refresh_from_db()
    feed_outcomes(response)


def _level_up(level: str, rng: Random) -> str:
    if level not in LEVELS:
        return "C2" if level == "native" else "B1"
    return LEVELS[min(len(LEVELS) - 1, LEVELS.index(level) + rng.choice([0, 0, 1]))]


def _values(rng: Random, wave: Wave, invitation: Invitation, story: _Story) -> dict[str, Any]:
    code, cohort = wave.instrument.code, wave.cohort
    person_id = invitation.person_id
    in_story = cohort.pk == story.completed_id
    lucky = person_id in story.opportunity if in_story else rng.random() < 0.3
    networked = person_id in story.network if in_story else rng.random() < 0.4
    level = invitation.duo.mentee.french_level if invitation.duo else "B1"
    if code in ("mentee_mid", "mentor_mid"):
        score = rng.choice([3, 4, 4, 5, 5])
        duo_id = invitation.duo_id or 0
        # A couple of duos go badly at mid-point, said by one side only.
        if len(story.poor_checkin_duos) < 4 and rng.random() < 0.18 and duo_id not in story.poor_checkin_duos:
            story.poor_checkin_duos.add(duo_id)
            score = rng.choice([1, 2])
        values: dict[str, Any] = {"duo_checkin": score}
        if score <= 2 and rng.random() < 0.7:
            values["duo_comment"] = rng.choice(
                ["On n'arrive pas à trouver des créneaux.", "Mon binôme ne répond plus.", "Peu de rendez-vous."]
            )
        if code == "mentee_mid":
            early = lucky and rng.random() < 0.4
            values |= {
                "employment_status": "working" if early else "job_seeking",
                "had_opportunity": "yes" if early else "no",
                "confidence": rng.randint(2, 4),
            }
            if early:
                values |= {"contract_type": "cdd", "opportunity_types": ["cdd"]}
        return values
    if code == "mentee_baseline":
        return {
            "employment_status": rng.choices(["job_seeking", "training", "other"], weights=[80, 10, 10])[0],
            "network_contacts": rng.choice([0, 0, 1, 1, 2, 3]),
            "french_level": _level_up(level, rng) if level in LEVELS else "B1",
            "confidence": rng.randint(1, 3),
            "workplace_codes": rng.randint(1, 3),
        }
    if code.startswith("mentee_"):  # end and follow-ups
        kinds = list(OPPORTUNITY_WEIGHTS)
        kind = rng.choices(kinds, weights=list(OPPORTUNITY_WEIGHTS.values()))[0]
        values = {
            "employment_status": ("training" if kind == "training" else "working")
            if lucky
            else rng.choice(["job_seeking", "job_seeking", "other"]),
            "had_opportunity": "yes" if lucky else "no",
            "network_contacts": rng.randint(3, 8) if networked else rng.randint(0, 2),
            "french_level": _level_up(level, rng),
        }
        if lucky:
            start = cohort.starts_on + timedelta(days=rng.randint(60, 170))
            values["opportunity_types"] = [kind]
            values["opportunity_date"] = min(start, wave.opens_on).isoformat()
            if kind in ("cdi", "cdd", "interim", "work_study"):
                values["contract_type"] = kind
        if code == "mentee_end":
            values |= {
                "job_interviews": rng.randint(1, 5) if lucky else rng.randint(0, 3),
                "confidence": rng.randint(3, 5) if lucky else rng.randint(2, 4),
                "workplace_codes": rng.randint(3, 5),
            }
            if lucky and rng.random() < 0.7:
                values["opportunity_sector"] = rng.choice(["Logistique", "Restauration", "Bâtiment", "Informatique"])
            if rng.random() < 0.3:
                values["comment"] = rng.choice(["Merci pour tout !", "Les ateliers m'ont beaucoup aidé."])
        return values
    # Mentors: self-assessed skills, a little higher at the end.
    bump = 1 if code == "mentor_end" else 0
    keys = ["listening", "feedback", "adaptability", "intercultural_ease", "explain_codes"]
    values = {k: min(5, rng.randint(2, 4) + (bump if rng.random() < 0.6 else 0)) for k in keys}
    values |= {"refugees_employable": min(5, rng.randint(3, 4) + bump), "would_recruit": rng.randint(3, 5)}
    return values
