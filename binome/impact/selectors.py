"""Fetch-and-authorise reads of the impact app: outside the viewer's scope a record is not found."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from binome.accounts.access import scope_of
from binome.impact.models import Outcome, OutcomeConflict, Report


def staff_territories(user: Any) -> frozenset[int] | None:
    """The territories a staff member's figures are cut to; None for a national admin."""
    scope = scope_of(user)
    return None if scope.national_admin else scope.territory_ids


def outcomes_visible_to(user: Any) -> QuerySet[Outcome]:
    scope = scope_of(user)
    if scope.national_admin:
        return Outcome.objects.all()
    return Outcome.objects.filter(person__territory_id__in=scope.territory_ids)


def conflicts_visible_to(user: Any) -> QuerySet[OutcomeConflict]:
    scope = scope_of(user)
    if scope.national_admin:
        return OutcomeConflict.objects.all()
    return OutcomeConflict.objects.filter(person__territory_id__in=scope.territory_ids)


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
