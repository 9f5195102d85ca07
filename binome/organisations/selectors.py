"""Reads of company and partner relations: who may see them, the pipeline board. (The figures per
partner read referrals, duos and outcomes: they are in binome/impact/selectors.py.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from binome.accounts.access import scope_of
from binome.organisations.models import CompanyRelation, Organisation
from binome.territories.models import Territory

Stage = CompanyRelation.Stage


def relation_organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    """Staff only: national admins see every organisation, coordinators those of their territories
    and the national ones. Contacts and referrers see nothing here (their own pages are elsewhere)."""
    scope = scope_of(user)
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


# --- who may see what -----------------------------------------------------------------


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    """Staff see the organisations of their territories and the national ones; contacts and
    referrers see their own organisation."""
    scope = scope_of(user)
    if scope.national_admin:
        return Organisation.objects.all()
    own = Q(pk__in=scope.company_ids | scope.partner_ids)
    if scope.territory_ids:
        return Organisation.objects.filter(Q(territory_id__in=scope.territory_ids) | Q(territory=None) | own)
    return Organisation.objects.filter(own)
