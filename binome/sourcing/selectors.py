"""Reads of referrals: the referrer's list, the screening board and one referral's file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from binome.accounts.access import scope_of
from binome.sourcing.eligibility import PreCheck, Verdict, prechecks
from binome.sourcing.models import MentorInvitation, Referral, ReferralTransition, TrainingSession


def referrals_of_partners(visible: QuerySet[Referral], partner_ids: frozenset[int]) -> QuerySet[Referral]:
    """A referrer's list: only their own partners' referrals, with the dated history of each."""
    return (
        visible.filter(partner_id__in=partner_ids)
        .select_related("person", "partner")
        .prefetch_related(Prefetch("transitions", queryset=ReferralTransition.objects.order_by("at", "pk")))
        .order_by("-referred_at", "pk")
    )


@dataclass(frozen=True)
class ReferralFilter:
    query: str = ""
    territory_id: int | None = None
    partner_id: int | None = None
    public_only: bool = False  # applications with no partner
    status: str = ""
    domain: str = ""  # ROME domain letter of a target occupation
    language: str = ""
    french_level: str = ""
    import_batch: str = ""  # the spreadsheet import that created them


def filter_referrals(referrals: QuerySet[Referral], f: ReferralFilter) -> QuerySet[Referral]:
    """Narrow an already access-scoped queryset; never widens it."""
    for word in f.query.split():
        referrals = referrals.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__email__icontains=word)
            | Q(person__phone__icontains=word)
        )
    if f.territory_id:
        referrals = referrals.filter(person__territory_id=f.territory_id)
    if f.public_only:
        referrals = referrals.filter(partner__isnull=True)
    elif f.partner_id:
        referrals = referrals.filter(partner_id=f.partner_id)
    if f.domain:
        referrals = referrals.filter(person__mentee_profile__target_occupations__code__startswith=f.domain)
    if f.language:
        referrals = referrals.filter(person__languages__language_id=f.language)
    if f.french_level:
        referrals = referrals.filter(person__mentee_profile__french_level=f.french_level)
    if f.import_batch:
        referrals = referrals.filter(import_batch=f.import_batch)
    # The status filter comes last and apart: the board's counts use everything but it.
    return referrals.distinct()


def counts_by_status(referrals: QuerySet[Referral]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every stage in pipeline order, zeros included."""
    counts = {
        row["status"]: row["n"] for row in referrals.order_by().values("status").annotate(n=Count("pk", distinct=True))
    }
    return [(value, str(label), counts.get(value, 0)) for value, label in Referral.Status.choices]


def referrals_for_board(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """The board's rows, with what their pre-check reads (territory and centre, home, targets)."""
    return (
        referrals.filter(merged_into__isnull=True)
        .select_related("person__territory__centre", "person__mentee_profile__home", "partner")
        .prefetch_related("person__mentee_profile__target_occupations")
    )


@dataclass
class ScreeningRows:
    """The board's listing: the referrals a filter keeps, in board order, and their pre-checks
    (of every row when the filter is by pre-check, else filled in for the page shown)."""

    rows: QuerySet[Referral] | list[Referral]
    checks: dict[int, PreCheck]

    def count(self) -> int:
        return len(self.rows) if isinstance(self.rows, list) else self.rows.count()

    def ids(self) -> list[int]:
        if isinstance(self.rows, list):
            return [r.pk for r in self.rows]
        return list(self.rows.values_list("pk", flat=True))

    def check_page(self, page: Iterable[Referral]) -> list[Referral]:
        """The page's referrals, each with its `precheck` attribute set, for the template."""
        shown = list(page)
        missing = [r for r in shown if r.pk not in self.checks]
        self.checks.update(prechecks(missing))
        for referral in shown:
            referral.precheck = self.checks[referral.pk]  # type: ignore[attr-defined]
        return shown


S = Referral.Status
# Where a decision is still to take: a filter by pre-check with no status keeps these only, so
# "passes → all matching → declare eligible" never sweeps in people enrolled long ago.
AWAITING_DECISION = (S.RECEIVED, S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.WAITLISTED)


def screening_rows(
    board: QuerySet[Referral], *, status: str = "", verdict: str = "", failed_rule: str = ""
) -> ScreeningRows:
    """The rows of the board at `status` whose pre-check says `verdict` (any when empty) and, when
    `failed_rule` is given, fails that rule; with a verdict and no status, the referrals awaiting a
    decision. The pre-check is Python over each file, so filtering by it reads every row the other
    filters keep: a territory's screening is hundreds of files, not millions."""
    statuses = [status] if status else AWAITING_DECISION if verdict else None
    listed = (board.filter(status__in=statuses) if statuses else board).order_by("-status_changed_at", "pk")
    if not verdict:
        return ScreeningRows(listed, {})
    rows = list(listed)
    checks = prechecks(rows)
    return ScreeningRows([r for r in rows if _kept(checks[r.pk], verdict, failed_rule)], checks)


def _kept(check: PreCheck, verdict: str, failed_rule: str) -> bool:
    if check.verdict != verdict:
        return False
    if not failed_rule or verdict != Verdict.FAILS:
        return True
    return any(result.rule == failed_rule for result in check.failed)


@dataclass(frozen=True)
class PreCheckGroup:
    """One chip of the board's pre-check bar: the referrals awaiting a decision whose pre-check
    says `verdict` and, for a failure, fail `rule` (a referral failing two rules is in both)."""

    verdict: str
    rule: str
    label: str
    count: int


def precheck_groups(board: QuerySet[Referral], known: dict[int, PreCheck]) -> list[PreCheckGroup]:
    """The referrals awaiting a decision, grouped by what their pre-check says, so that a
    coordinator takes one decision per group: those who pass, those with facts not recorded yet,
    then one group per rule not met, with the rule's own label. `known` (ScreeningRows.checks) holds
    the pre-checks already made for the page and receives the new ones: each file is checked once."""
    rows = list(board.filter(status__in=AWAITING_DECISION))
    known.update(prechecks([r for r in rows if r.pk not in known]))
    checks = [known[r.pk] for r in rows]
    groups = [
        PreCheckGroup(verdict, "", "", sum(1 for check in checks if check.verdict == verdict))
        for verdict in (Verdict.PASSES, Verdict.INCOMPLETE)
    ]
    failed: dict[str, tuple[str, int]] = {}
    for check in checks:
        for result in check.failed:
            label, count = failed.get(result.rule, (result.label, 0))
            failed[result.rule] = (label, count + 1)
    groups += [PreCheckGroup(Verdict.FAILS, rule, label, count) for rule, (label, count) in failed.items()]
    return [group for group in groups if group.count]


def referral_file(visible: QuerySet[Referral], pk: int) -> Referral:
    """One referral with everything its page shows, fetched and authorised in one step (404)."""
    return get_object_or_404(
        visible.select_related(
            "person__territory__centre",
            "person__mentee_profile__home",
            "partner",
            "cohort",
            "created_by",
        ).prefetch_related(
            "person__languages__language",
            "person__mentee_profile__target_occupations",
            "person__consents__text",
            "person__consents__recorded_by",
            Prefetch("transitions", queryset=ReferralTransition.objects.select_related("actor").order_by("at", "pk")),
        ),
        pk=pk,
    )


# --- who may see what -----------------------------------------------------------------


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """Staff of the person's territory; referrers see the referrals their partner made."""
    scope = scope_of(user)
    return scope.visible(
        Referral.objects.all(), Q(person__territory_id__in=scope.territory_ids) | Q(partner_id__in=scope.partner_ids)
    )


def mentor_invitations_visible_to(user: Any) -> QuerySet[MentorInvitation]:
    """Staff of the company's territory, and the company's own contacts."""
    scope = scope_of(user)
    return scope.visible(
        MentorInvitation.objects.all(),
        Q(company__territory_id__in=scope.territory_ids) | Q(company_id__in=scope.company_ids),
    )


def training_sessions_visible_to(user: Any) -> QuerySet[TrainingSession]:
    """Staff of the session's territory."""
    scope = scope_of(user)
    return scope.visible(TrainingSession.objects.all(), Q(territory_id__in=scope.territory_ids))
