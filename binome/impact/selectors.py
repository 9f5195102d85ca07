"""Fetch-and-authorise reads of the impact app: outside the viewer's scope a record is not found."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from binome.accounts.access import scope_of
from binome.cohorts.models import Cohort
from binome.impact import kpis
from binome.impact.models import Outcome, OutcomeConflict, PublishedReport, Report
from binome.organisations.models import Organisation
from binome.organisations.selectors import relation_organisations_visible_to
from binome.pairing.models import Duo
from binome.people.models import Person
from binome.people.selectors import people_visible_to
from binome.sourcing.duplicates import duplicate_pairs
from binome.sourcing.models import Referral
from binome.sourcing.selectors import referrals_visible_to
from binome.territories.models import Territory


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


@dataclass(frozen=True)
class CountedRow:
    """A drill-down line: one case of a figure, labelled with its cohort. `person` is None when
    the viewer may not open that person's record (counted all the same)."""

    person: Person | None
    cohort: Cohort


def counted_rows(user: Any, cases: list[kpis.Case]) -> list[CountedRow]:
    """The drill-down lines of a figure's cases, one per case (a person in two cohorts: two lines)."""
    visible = people_visible_to(user).filter(pk__in={c.person_id for c in cases}).select_related("territory")
    people = {p.pk: p for p in visible.select_related("mentee_profile")}
    cohorts = Cohort.objects.in_bulk({c.cohort_id for c in cases})
    rows = [CountedRow(people.get(c.person_id), cohorts[c.cohort_id]) for c in cases]
    return sorted(
        rows,
        key=lambda r: (
            r.person is None,
            r.person.last_name if r.person else "",
            r.person.first_name if r.person else "",
            r.cohort.starts_on,
            r.cohort.pk,
        ),
    )


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
# The registry's funnel counts (binome.impact.figures), per partner: nothing is counted here twice.


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


def partner_figures(
    referrals: QuerySet[Referral], partner_ids: Iterable[int], *, today: date | None = None
) -> dict[int, PartnerFigures]:
    """Per partner: the registry's funnel counts over the people it referred, in two queries.

    `referrals` is already scoped to the viewer (a coordinator counts only their territories'
    people). The unit is a person in a cohort; merged duplicates are not counted twice; each step
    is the registry's (eligible: reached eligible at any point; completed: a participant whose duo
    completed; with an opportunity: the numerator of the opportunity figure)."""
    ids = list(partner_ids)
    today = today or timezone.localdate()
    rows = kpis.referral_rows(referrals.filter(partner_id__in=ids))
    people = {person for _partner, person, *_rest in rows}
    duos = kpis.duo_rows(Duo.objects.filter(mentee__person_id__in=people), today) if people else []
    by_partner: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        by_partner[row[0]].append(row)
    by_person: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for duo in duos:
        by_person[duo[0]].append(duo)
    found = {}
    for pk in ids:
        own = by_partner[pk]
        their_duos = [duo for person in {row[1] for row in own} for duo in by_person[person]]
        counts = kpis.count_cases(kpis.funnel_cases(own, their_duos))
        found[pk] = PartnerFigures(
            partner_id=pk,
            referred=counts["referred"],
            eligible=counts["eligible"],
            enrolled=counts["enrolled"],
            matched=counts["matched"],
            completed=counts["completed"],
            with_opportunity=counts["opportunity"],
        )
    return found


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


def unmerged_duplicates(user: Any, *, territory_id: int | None = None, cohort_id: int | None = None) -> int:
    """How many possible duplicate pairs (binome.sourcing.duplicates) the viewer has not merged yet,
    in the territory of the figures shown (the cohort's, the chosen one, or all the viewer's): a
    person referred twice is counted twice in the report's denominators until merged."""
    people = people_visible_to(user).filter(territory__isnull=False)
    if cohort_id is not None and territory_id is None:
        territory_id = Cohort.objects.filter(pk=cohort_id).values_list("territory_id", flat=True).first()
    if territory_id is not None:
        people = people.filter(territory_id=territory_id)
    return len(duplicate_pairs(people, limit=1000))
