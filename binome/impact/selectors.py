"""Fetch-and-authorise reads of the impact app: outside the viewer's scope a record is not found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from binome.accounts.access import scope_of
from binome.impact.models import OPPORTUNITY_KINDS, Outcome, OutcomeConflict, PublishedReport, Report
from binome.organisations.models import Organisation
from binome.organisations.selectors import relation_organisations_visible_to
from binome.pairing.models import Duo
from binome.sourcing.models import Referral, ReferralTransition
from binome.sourcing.selectors import referrals_visible_to
from binome.territories.models import Territory

Status = Referral.Status


def staff_territories(user: Any) -> frozenset[int] | None:
    """The territories a staff member's figures are cut to; None for a national admin."""
    scope = scope_of(user)
    return None if scope.national_admin else scope.territory_ids


def outcomes_visible_to(user: Any) -> QuerySet[Outcome]:
    scope = scope_of(user)
    return scope.visible(Outcome.objects.all(), Q(person__territory_id__in=scope.territory_ids))


def conflicts_visible_to(user: Any) -> QuerySet[OutcomeConflict]:
    scope = scope_of(user)
    return scope.visible(OutcomeConflict.objects.all(), Q(person__territory_id__in=scope.territory_ids))


def reports_visible_to(user: Any) -> QuerySet[Report]:
    """Staff of the report's territory (national reports: national admins only); a company's
    contacts for their company's reports; funders for the funders' report."""
    scope = scope_of(user)
    if scope.national_admin:
        return Report.objects.all()
    visible = Q(territory_id__in=scope.territory_ids)
    if scope.company_ids:
        visible |= Q(kind=Report.Kind.COMPANY, target_id__in=scope.company_ids, requested_by=user)
    if scope.funder:
        visible |= Q(kind=Report.Kind.FUNDER, requested_by=user)
    return Report.objects.filter(visible)


def published_visible_to(user: Any) -> QuerySet[PublishedReport]:
    """Issued snapshots: national admins all; coordinators those of their territories' companies;
    a company's contacts their company's; funders the funders'."""
    scope = scope_of(user)
    if scope.national_admin:
        return PublishedReport.objects.select_related("company")
    visible = Q(kind=PublishedReport.Kind.COMPANY, company__territory_id__in=scope.territory_ids)
    visible |= Q(kind=PublishedReport.Kind.COMPANY, company_id__in=scope.company_ids)
    if scope.funder:
        visible |= Q(kind=PublishedReport.Kind.FUNDER)
    return PublishedReport.objects.filter(visible).select_related("company")


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
    figures = partner_figures(referrals_visible_to(user), [p.pk for p in partners])
    return [(p, figures[p.pk]) for p in partners]
