"""Reads for the matching pages: cohorts to match, one run's board, two runs side by side."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from binome.accounts.access import scope_of
from binome.cohorts.models import Cohort
from binome.cohorts.selectors import cohorts_visible_to
from binome.pairing.facts import SLOT_HOURS, DuoFacts, FactsReader
from binome.pairing.forms import weights_as_percent as percent
from binome.pairing.models import Duo, MatchRun, Proposal
from binome.pairing.reasons import CRITERIA_LABELS, reason_text
from binome.people.models import MenteeProfile, MentorProfile
from binome.sourcing.models import Referral


def cohorts_to_match(user: Any) -> QuerySet[Cohort]:
    """The viewer's open cohorts, with how many people wait and how far matching went."""
    return (
        cohorts_visible_to(user)
        .exclude(status=Cohort.Status.CLOSED)
        .select_related("territory")
        .annotate(
            waiting=Count(
                "referrals",
                filter=Q(referrals__status=Referral.Status.ENROLLED),
                distinct=True,
            ),
            runs=Count("match_runs", distinct=True),
            last_run=Max("match_runs__number"),
            confirmed=Count("match_runs", filter=Q(match_runs__status=MatchRun.Status.CONFIRMED), distinct=True),
        )
        .order_by("starts_on", "name")
    )


def cohort_for(user: Any, cohort_id: int) -> Cohort:
    return get_object_or_404(cohorts_visible_to(user).select_related("territory"), pk=cohort_id)


def run_for(user: Any, run_id: int) -> MatchRun:
    return get_object_or_404(
        MatchRun.objects.filter(cohort__in=cohorts_visible_to(user)).select_related("cohort__territory"),
        pk=run_id,
    )


def latest_run(cohort: Cohort) -> MatchRun | None:
    return cohort.match_runs.order_by("-number").first()


@dataclass
class Bar:
    key: str
    label: str
    value: float  # the criterion's contribution to the score
    share: float  # of the criterion's weight that the pair earned, 0..1
    weight: float = 0.0  # the criterion's share of the score, 0..1

    @property
    def points(self) -> int:
        """The contribution in points of the score (the score is out of 100)."""
        return round(100 * self.value)

    @property
    def max_points(self) -> int:
        return round(100 * self.weight)


@dataclass
class Row:
    proposal: Proposal
    mentee: MenteeProfile
    mentor: MentorProfile
    bars: list[Bar]
    percent: int
    facts: DuoFacts | None = None


@dataclass
class Person:
    id: int
    name: str
    detail: str
    reason: str
    funnel: dict[str, Any] = field(default_factory=dict)


@dataclass
class Board:
    run: MatchRun
    rows: list[Row]
    unmatched_mentees: list[Person]
    unmatched_mentors: list[Person]
    pool_mentees: int
    pool_mentors: int
    mentor_places: int
    mentors_at_capacity: int
    matched: int
    coverage: int  # percent of the mentees matched
    average: int  # average score of the proposals, percent
    decisions: dict[str, int]
    pins: list[tuple[int, int, str, str]]
    forbids: list[tuple[int, int, str, str]]
    mentee_choices: list[tuple[int, str]]
    mentor_choices: list[tuple[int, str]]
    slot_hours: int = SLOT_HOURS


def _names(run: MatchRun) -> tuple[dict[int, MenteeProfile], dict[int, MentorProfile]]:
    mentee_ids = [row["id"] for row in run.inputs.get("mentees", [])]
    mentor_ids = [row["id"] for row in run.inputs.get("mentors", [])]
    mentees = MenteeProfile.objects.filter(pk__in=mentee_ids).select_related("person")
    mentors = MentorProfile.objects.filter(pk__in=mentor_ids).select_related("person", "company")
    return {m.pk: m for m in mentees}, {m.pk: m for m in mentors}


def _label(profile: MenteeProfile | MentorProfile | None, fallback: int) -> str:
    return profile.person.full_name if profile else f"#{fallback}"


def board(run: MatchRun, *, decision: str = "", query: str = "") -> Board:
    """Everything the matching board shows for one run, in a fixed number of queries."""
    mentees, mentors = _names(run)
    weights = run.options.get("weights") or run.weights
    total_weight = sum(weights.values()) or 1.0
    proposals = list(run.proposals.all())
    decisions = dict.fromkeys(Proposal.Decision.values, 0)
    for proposal in proposals:
        decisions[proposal.decision] += 1
    needle = query.strip().lower()
    rows = []
    reader = FactsReader(run.inputs)
    for proposal in proposals:
        mentee, mentor = mentees.get(proposal.mentee_id), mentors.get(proposal.mentor_id)
        if mentee is None or mentor is None:  # erased since the run: not shown
            continue
        if decision and proposal.decision != decision:
            continue
        if needle and needle not in f"{mentee.person.full_name} {mentor.person.full_name} {mentor.company}".lower():
            continue
        bars = []
        for key, label in CRITERIA_LABELS.items():
            weight = weights.get(key, 0.0) / total_weight
            value = float(proposal.contributions.get(key, 0.0))
            bars.append(Bar(key, str(label), value, value / weight if weight else 0.0, weight))
        facts = reader.facts(proposal.mentee_id, proposal.mentor_id)
        rows.append(Row(proposal, mentee, mentor, bars, round(proposal.score * 100), facts))

    def people(side: str) -> list[Person]:
        table: dict[int, MenteeProfile] | dict[int, MentorProfile] = mentees if side == "mentee" else mentors
        out = []
        for item in run.unmatched:
            if item["side"] != side:
                continue
            profile = table.get(item["id"])
            if profile is None:
                continue
            detail = str(profile.company) if isinstance(profile, MentorProfile) else ""
            out.append(
                Person(
                    item["id"],
                    _label(profile, item["id"]),
                    detail,
                    reason_text(side, item["code"], item["params"]),
                    item["params"],
                )
            )
        return sorted(out, key=lambda p: p.name)

    pool_mentees = len(run.inputs.get("mentees", []))
    kept = [p for p in proposals if p.decision != Proposal.Decision.REJECTED]
    return Board(
        run=run,
        rows=rows,
        unmatched_mentees=people("mentee"),
        unmatched_mentors=people("mentor"),
        pool_mentees=pool_mentees,
        pool_mentors=len(run.inputs.get("mentors", [])),
        mentor_places=sum(row["capacity"] for row in run.inputs.get("mentors", []) if row.get("trained")),
        mentors_at_capacity=run.inputs.get("mentors_at_capacity", 0),
        matched=len(kept),
        coverage=round(100 * len(kept) / pool_mentees) if pool_mentees else 0,
        average=round(100 * sum(p.score for p in kept) / len(kept)) if kept else 0,
        decisions=decisions,
        pins=[(a, b, _label(mentees.get(a), a), _label(mentors.get(b), b)) for a, b in run.pins],
        forbids=[(a, b, _label(mentees.get(a), a), _label(mentors.get(b), b)) for a, b in run.forbids],
        mentee_choices=sorted(((pk, _label(m, pk)) for pk, m in mentees.items()), key=lambda c: c[1]),
        mentor_choices=sorted(
            ((pk, f"{_label(m, pk)} · {m.company}") for pk, m in mentors.items()), key=lambda c: c[1]
        ),
    )


@dataclass
class Confirmation:
    """What confirming a run does: the duos it creates and who gets an email about it."""

    duos: int
    mentees_emailed: int
    mentors_emailed: int
    without_email: int  # members of the new duos with no email address: told by the coordinator
    rejected: int

    @property
    def emails(self) -> str:
        """'An email will be sent to 55 mentees and 55 mentors.'"""
        mentees = ngettext("%(n)s mentee", "%(n)s mentees", self.mentees_emailed) % {"n": self.mentees_emailed}
        mentors = ngettext("%(n)s mentor", "%(n)s mentors", self.mentors_emailed) % {"n": self.mentors_emailed}
        return _("An email will be sent to %(mentees)s and %(mentors)s.") % {"mentees": mentees, "mentors": mentors}


def confirmation(run: MatchRun) -> Confirmation:
    rows = list(
        run.proposals.exclude(decision=Proposal.Decision.REJECTED).values_list(
            "mentee_id", "mentee__person__email", "mentor_id", "mentor__person__email"
        )
    )
    mentees = {row[0]: row[1] for row in rows}
    mentors = {row[2]: row[3] for row in rows}
    emailed = [sum(1 for email in people.values() if email) for people in (mentees, mentors)]
    return Confirmation(
        duos=len(rows),
        mentees_emailed=emailed[0],
        mentors_emailed=emailed[1],
        without_email=len(mentees) + len(mentors) - sum(emailed),
        rejected=run.proposals.filter(decision=Proposal.Decision.REJECTED).count(),
    )


@dataclass
class Comparison:
    first: MatchRun
    second: MatchRun
    same: list[tuple[str, str]]
    only_first: list[tuple[str, str, float]]
    only_second: list[tuple[str, str, float]]
    weights: list[tuple[str, float, float]]
    matched: tuple[int, int]
    totals: tuple[float, float]


def compare(first: MatchRun, second: MatchRun) -> Comparison:
    """Two runs of a cohort side by side: which duos both propose, which only one does."""
    pairs: list[dict[tuple[int, int], float]] = []
    mentee_ids: set[int] = set()
    mentor_ids: set[int] = set()
    for run in (first, second):
        found = {
            (a, b): score
            for a, b, score in run.proposals.exclude(decision=Proposal.Decision.REJECTED).values_list(
                "mentee_id", "mentor_id", "score"
            )
        }
        pairs.append(found)
        mentee_ids |= {a for a, _ in found}
        mentor_ids |= {b for _, b in found}
    mentees = {
        m.pk: m.person.full_name for m in MenteeProfile.objects.filter(pk__in=mentee_ids).select_related("person")
    }
    mentors = {
        m.pk: m.person.full_name for m in MentorProfile.objects.filter(pk__in=mentor_ids).select_related("person")
    }

    def named(keys: set[tuple[int, int]], scores: dict[tuple[int, int], float]) -> list[tuple[str, str, float]]:
        return sorted((mentees.get(a, f"#{a}"), mentors.get(b, f"#{b}"), scores[(a, b)]) for a, b in keys)

    a, b = pairs
    weights_a = percent(first.options.get("weights") or first.weights)
    weights_b = percent(second.options.get("weights") or second.weights)
    return Comparison(
        first=first,
        second=second,
        same=[(x, y) for x, y, _ in named(set(a) & set(b), a)],
        only_first=named(set(a) - set(b), a),
        only_second=named(set(b) - set(a), b),
        weights=[
            (
                str(label),
                round(100 * weights_a.get(key, 0.0) / (sum(weights_a.values()) or 1)),
                round(100 * weights_b.get(key, 0.0) / (sum(weights_b.values()) or 1)),
            )
            for key, label in CRITERIA_LABELS.items()
        ],
        matched=(len(a), len(b)),
        totals=(sum(a.values()), sum(b.values())),
    )


# --- who may see what -----------------------------------------------------------------


def duos_visible_to(user: Any) -> QuerySet[Duo]:
    """Staff of the cohort's territory, and the two members of the duo."""
    scope = scope_of(user)
    return scope.visible(
        Duo.objects.all(),
        Q(cohort__territory_id__in=scope.territory_ids)
        | Q(mentor__person_id__in=scope.mentor_person_ids)
        | Q(mentee__person_id__in=scope.mentee_person_ids),
    )
