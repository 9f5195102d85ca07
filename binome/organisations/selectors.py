"""Reads of company and partner relations: who may see them, the pipeline board, partner figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from binome.accounts import access
from binome.impact.models import OPPORTUNITY_KINDS, Outcome
from binome.organisations.models import CompanyRelation, Organisation
from binome.pairing.models import Duo
from binome.sourcing.models import Referral, ReferralTransition
from binome.territories.models import Territory

Stage = CompanyRelation.Stage
Status = Referral.Status


def relation_organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    """Staff only: national admins see every organisation, coordinators those of their territories
    and the national ones. Contacts and referrers see nothing here (their own pages are elsewhere)."""
    scope = access.scope_of(user)
    if scope.national_admin:
        return Organisation.objects.all()
    if not scope.territory_ids:
        return Organisation.objects.none()
    return Organisation.objects.filter(Q(territory_id__in=scope.territory_ids) | Q(territory=None))


def relation_organisation_for(user: Any, pk: int) -> Organisation:
    return get_object_or_404(
        relation_organisations_visible_to(user).select_related("territory", "sector", "city"), pk=pk
    )


# --- the pipeline board ---------------------------------------------------------------
@dataclass
class PipelineColumn:
    stage: str
    label: str
    relations: list[CompanyRelation] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.relations)


@dataclass
class PipelineBoard:
    territory: Territory
    columns: list[PipelineColumn]
    overdue: list[CompanyRelation]
    untracked: int  # companies of the territory that are not in the pipeline yet

    @property
    def total(self) -> int:
        return sum(c.count for c in self.columns)


def pipeline_board(territory: Territory) -> PipelineBoard:
    """Counts per stage; in each stage, overdue next actions first, then the soonest."""
    today = timezone.localdate()
    relations = list(
        CompanyRelation.objects.filter(company__territory=territory)
        .select_related("company")
        .annotate(
            overdue_rank=Case(
                When(~Q(stage=Stage.LOST) & Q(next_action_on__lt=today), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("overdue_rank", F("next_action_on").asc(nulls_last=True), "company__name")
    )
    columns = {value: PipelineColumn(value, str(label)) for value, label in Stage.choices}
    for relation in relations:
        columns[relation.stage].relations.append(relation)
    untracked = Organisation.objects.filter(
        territory=territory, kind=Organisation.Kind.COMPANY, relation__isnull=True
    ).count()
    return PipelineBoard(
        territory=territory,
        columns=list(columns.values()),
        overdue=[r for r in relations if r.is_overdue],
        untracked=untracked,
    )


# --- partner figures --------------------------------------------------------------------
# A referral counts at a step once it reached it, even if it has since left the programme.
REACHED_ELIGIBLE = [Status.ELIGIBLE, Status.ENROLLED, Status.MATCHED, Status.COMPLETED]
REACHED_ENROLLED = [Status.ENROLLED, Status.MATCHED, Status.COMPLETED]


@dataclass(frozen=True)
class PartnerFigures:
    partner_id: int
    referred: int = 0
    eligible: int = 0
    enrolled: int = 0
    matched: int = 0
    completed: int = 0
    with_opportunity: int = 0


FIGURE_COLUMNS = ["referred", "eligible", "enrolled", "matched", "completed", "with_opportunity"]


def partner_figures(referrals: QuerySet[Referral], partner_ids: Iterable[int]) -> dict[int, PartnerFigures]:
    """Per partner: referred, eligible, enrolled, matched, completed, with an opportunity, in one
    aggregate query.

    `referrals` is already scoped to the viewer (a coordinator counts only their territories'
    people). Merged duplicates are not counted twice. Definitions:
    - eligible / enrolled: the referral is at that status or later now, or passed through it;
    - matched: the person has a duo (any status), or the referral is matched or completed;
    - completed: the person's duo completed, or the referral is completed;
    - with an opportunity: the person has a counted outcome of a concrete-opportunity kind
      (`binome.impact.models.OPPORTUNITY_KINDS`; a job interview alone does not count).
    """
    ids = list(partner_ids)
    passed = ReferralTransition.objects.filter(referral=OuterRef("pk"))
    duos = Duo.objects.filter(mentee__person=OuterRef("person_id"))
    rows = (
        referrals.filter(partner_id__in=ids, merged_into__isnull=True)
        .annotate(
            passed_eligible=Exists(passed.filter(to_status__in=REACHED_ELIGIBLE)),
            passed_enrolled=Exists(passed.filter(to_status__in=REACHED_ENROLLED)),
            has_duo=Exists(duos),
            has_completed_duo=Exists(duos.filter(status=Duo.Status.COMPLETED)),
            has_opportunity=Exists(
                Outcome.objects.filter(
                    person=OuterRef("person_id"), kind__in=OPPORTUNITY_KINDS, status=Outcome.Status.ACTIVE
                )
            ),
        )
        .values("partner_id")
        .annotate(
            referred=Count("pk"),
            eligible=Count("pk", filter=Q(status__in=REACHED_ELIGIBLE) | Q(passed_eligible=True)),
            enrolled=Count("pk", filter=Q(status__in=REACHED_ENROLLED) | Q(passed_enrolled=True)),
            matched=Count("pk", filter=Q(status__in=[Status.MATCHED, Status.COMPLETED]) | Q(has_duo=True)),
            completed=Count("pk", filter=Q(status=Status.COMPLETED) | Q(has_completed_duo=True)),
            with_opportunity=Count("pk", filter=Q(has_opportunity=True)),
        )
        .order_by()
    )
    found = {row["partner_id"]: PartnerFigures(**row) for row in rows}
    return {pk: found.get(pk, PartnerFigures(partner_id=pk)) for pk in ids}


def partners_with_figures(
    user: Any, *, territory: Territory | None = None
) -> list[tuple[Organisation, PartnerFigures]]:
    """Staff: every partner they may see, with figures counted over the referrals they may see."""
    visible = relation_organisations_visible_to(user).exclude(kind=Organisation.Kind.COMPANY)
    if territory is not None:
        visible = visible.filter(Q(territory=territory) | Q(territory=None))
    partners = list(visible.select_related("territory").order_by("name"))
    figures = partner_figures(access.referrals_visible_to(user), [p.pk for p in partners])
    return [(p, figures[p.pk]) for p in partners]
