"""Reads for the matching pages: cohorts to match, one run's board, two runs side by side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
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

    @property
    def meter(self) -> str:
        """The share as a <meter>'s value: a decimal point, whatever the language."""
        return f"{self.share:.3f}"

    @property
    def points_text(self) -> str:
        """'21 / 35 pts': written here, as the board shows six bars a row, not by a tag in its loop."""
        return _("%(points)s / %(max)s pts") % {"points": self.points, "max": self.max_points}


#: Proposed duos per page of the board: each row carries six bars and the pair's facts, so a big
#: city's run is read a page at a time; the figures above the table count every proposal.
PAGE_SIZE = 50
#: People without a duo named on the board itself, per side; the whole list opens on demand.
UNMATCHED_SHOWN = 10
#: A pool up to this size (mentees and mentors) has the pair form's two lists on the board; a bigger
#: one loads them on demand: two <select>s of a thousand names would weigh on every view of the board.
POOL_SHOWN = 200


@dataclass
class Row:
    proposal: Proposal  # with its mentee's and mentor's names, job and company: nothing else of them
    bars: list[Bar]
    percent: int
    facts: DuoFacts | None = None

    @property
    def mentee(self) -> MenteeProfile:
        return self.proposal.mentee

    @property
    def mentor(self) -> MentorProfile:
        return self.proposal.mentor


@dataclass
class Person:
    id: int
    name: str
    detail: str
    reason: str
    funnel: dict[str, Any] = field(default_factory=dict)


@dataclass
class Unmatched:
    """One side's people without a duo: those `shown` (all of them, or the first by name) of `count`."""

    side: str
    shown: list[Person]
    count: int

    @property
    def complete(self) -> bool:
        return len(self.shown) == self.count


@dataclass
class Board:
    run: MatchRun
    rows: list[Row]
    page: Page[tuple[int, int, int, str, float]]  # the proposals listed (filters applied), this page's
    unmatched_mentees: Unmatched
    unmatched_mentors: Unmatched
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
    slot_hours: int = SLOT_HOURS

    @property
    def pool_size(self) -> int:
        return self.pool_mentees + self.pool_mentors


def _full_name(first: str, last: str) -> str:
    return f"{first} {last}".strip()  # as Person.full_name


def _mentee_names(ids: Iterable[int]) -> dict[int, str]:
    """Names only: a mentee's profile holds encrypted fields that the board never shows."""
    rows = MenteeProfile.objects.filter(pk__in=set(ids)).values_list("pk", "person__first_name", "person__last_name")
    return {pk: _full_name(first, last) for pk, first, last in rows}


def _mentor_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Name and company of each mentor."""
    rows = MentorProfile.objects.filter(pk__in=set(ids)).values_list(
        "pk", "person__first_name", "person__last_name", "company__name"
    )
    return {pk: (_full_name(first, last), company) for pk, first, last, company in rows}


def pool_choices(run: MatchRun) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Everyone of the run's pool, by name, for the pair form: (mentees, mentors · company)."""
    mentees = _mentee_names(row["id"] for row in run.inputs.get("mentees", []))
    mentors = _mentor_names(row["id"] for row in run.inputs.get("mentors", []))
    return (
        sorted(mentees.items(), key=lambda choice: choice[1]),
        sorted(((pk, f"{name} · {company}") for pk, (name, company) in mentors.items()), key=lambda c: c[1]),
    )


def _label(names: dict[int, str], pk: int) -> str:
    return names.get(pk, f"#{pk}")


def unmatched(run: MatchRun, side: str, *, limit: int | None = None) -> Unmatched:
    """The run's people of one side without a duo, with the reason, sorted by name; `limit`: the
    first ones only (their names are all read, to sort them; reasons are written for those shown)."""
    items = {item["id"]: item for item in run.unmatched if item["side"] == side}
    found = {pk: (name, "") for pk, name in _mentee_names(items).items()} if side == "mentee" else _mentor_names(items)
    ordered = sorted(found.items(), key=lambda entry: entry[1][0])  # people erased since the run: not shown
    shown = ordered if limit is None else ordered[:limit]
    return Unmatched(
        side,
        [
            Person(pk, name, detail, reason_text(side, items[pk]["code"], items[pk]["params"]), items[pk]["params"])
            for pk, (name, detail) in shown
        ],
        len(ordered),
    )


def _listed(run: MatchRun, decision: str, query: str) -> list[tuple[int, int, int, str, float]]:
    """(pk, mentee id, mentor id, decision, score) of the proposals the filters keep, best first."""
    proposals = run.proposals.all()
    if decision:
        proposals = proposals.filter(decision=decision)
    needle = query.strip().lower()
    if not needle:
        return list(proposals.values_list("pk", "mentee_id", "mentor_id", "decision", "score"))
    named = proposals.values_list(
        "pk",
        "mentee_id",
        "mentor_id",
        "decision",
        "score",
        "mentee__person__first_name",
        "mentee__person__last_name",
        "mentor__person__first_name",
        "mentor__person__last_name",
        "mentor__company__name",
    )
    return [
        (pk, mentee, mentor, chosen, score)
        for pk, mentee, mentor, chosen, score, *names in named
        if needle in f"{_full_name(*names[:2])} {_full_name(*names[2:4])} {names[4]}".lower()
    ]


def _rows(run: MatchRun, ids: list[int], weights: dict[str, float]) -> list[Row]:
    total_weight = sum(weights.values()) or 1.0
    proposals = list(
        run.proposals.filter(pk__in=ids)
        .select_related("mentee__person", "mentor__person", "mentor__company")
        .only(
            *("run_id", "mentee_id", "mentor_id", "score", "contributions", "rank", "pinned", "swapped", "decision"),
            *("mentee__person__first_name", "mentee__person__last_name"),
            *("mentor__job_title", "mentor__person__first_name", "mentor__person__last_name"),
            "mentor__company__name",
        )
    )
    reader = FactsReader(run.inputs, pairs=[(p.mentee_id, p.mentor_id) for p in proposals])
    rows = []
    for proposal in proposals:
        bars = []
        for key, label in CRITERIA_LABELS.items():
            weight = weights.get(key, 0.0) / total_weight
            value = float(proposal.contributions.get(key, 0.0))
            bars.append(Bar(key, str(label), value, value / weight if weight else 0.0, weight))
        facts = reader.facts(proposal.mentee_id, proposal.mentor_id)
        rows.append(Row(proposal, bars, round(proposal.score * 100), facts))
    return rows


def board(run: MatchRun, *, decision: str = "", query: str = "", page: int | str | None = 1, show: str = "") -> Board:
    """What the matching board shows for one run, in a fixed number of queries whatever the pool:
    the figures count every proposal; rows, facts and names are read for the page shown only.
    `show` ("mentee" or "mentor"): that side's people without a duo, all of them."""
    weights = run.options.get("weights") or run.weights
    everything = list(run.proposals.values_list("decision", "score"))
    decisions = dict.fromkeys(Proposal.Decision.values, 0)
    for chosen, _score in everything:
        decisions[chosen] += 1
    kept = [score for chosen, score in everything if chosen != Proposal.Decision.REJECTED]
    listed = Paginator(_listed(run, decision, query), PAGE_SIZE).get_page(page)
    pinned = [*run.pins, *run.forbids]
    mentees = _mentee_names(a for a, _ in pinned)
    mentors = {pk: name for pk, (name, _company) in _mentor_names(b for _, b in pinned).items()}
    pool_mentees = len(run.inputs.get("mentees", []))
    return Board(
        run=run,
        rows=_rows(run, [item[0] for item in listed.object_list], weights),
        page=listed,
        unmatched_mentees=unmatched(run, "mentee", limit=None if show == "mentee" else UNMATCHED_SHOWN),
        unmatched_mentors=unmatched(run, "mentor", limit=None if show == "mentor" else UNMATCHED_SHOWN),
        pool_mentees=pool_mentees,
        pool_mentors=len(run.inputs.get("mentors", [])),
        mentor_places=sum(row["capacity"] for row in run.inputs.get("mentors", []) if row.get("trained")),
        mentors_at_capacity=run.inputs.get("mentors_at_capacity", 0),
        matched=len(kept),
        coverage=round(100 * len(kept) / pool_mentees) if pool_mentees else 0,
        average=round(100 * sum(kept) / len(kept)) if kept else 0,
        decisions=decisions,
        pins=[(a, b, _label(mentees, a), _label(mentors, b)) for a, b in run.pins],
        forbids=[(a, b, _label(mentees, a), _label(mentors, b)) for a, b in run.forbids],
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
