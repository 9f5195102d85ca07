"""`Scope.visible` drops the alternatives on id sets a scope leaves empty: the same rows, fewer
joins (checked against the rows the full condition selects)."""

from __future__ import annotations

from django.db.models import Q

from binome.accounts.access import Scope, _without_empty_alternatives
from binome.pairing.models import Duo
from conftest import Cast


def _full_condition(scope: Scope) -> Q:
    return (
        Q(cohort__territory_id__in=scope.territory_ids)
        | Q(mentor__person_id__in=scope.mentor_person_ids)
        | Q(mentee__person_id__in=scope.mentee_person_ids)
    )


def test_a_mentees_duos_are_the_same_rows_with_one_join_instead_of_three(cast: Cast) -> None:
    scope = Scope(mentee_person_ids=frozenset({cast.chloe.person_id}))
    pruned = scope.visible(Duo.objects.all(), _full_condition(scope))
    assert set(pruned) == set(Duo.objects.filter(_full_condition(scope))) == {cast.paris_duo}
    sql = str(pruned.query)
    assert "cohorts_cohort" not in sql
    assert "people_mentorprofile" not in sql


def test_a_scope_with_every_set_empty_sees_nothing_without_a_query(
    cast: Cast, django_assert_num_queries: object
) -> None:
    scope = Scope()
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert list(scope.visible(Duo.objects.all(), _full_condition(scope))) == []


def test_a_coordinator_keeps_the_territory_alternative_and_a_national_admin_sees_all(cast: Cast) -> None:
    coordinator = Scope(territory_ids=frozenset({cast.paris.pk}))
    assert set(coordinator.visible(Duo.objects.all(), _full_condition(coordinator))) == {cast.paris_duo}
    admin = Scope(national_admin=True)
    assert set(admin.visible(Duo.objects.all(), _full_condition(admin))) == set(Duo.objects.all())


def test_and_and_negated_conditions_are_kept_whole() -> None:
    both = Q(territory_id__in=[]) & Q(pk__in=[1])
    assert _without_empty_alternatives(both) is both
    negated = ~Q(territory_id__in=[])
    assert _without_empty_alternatives(negated) is negated
    nested = Q(a__in=[]) | (Q(b=1) & Q(c__in=[]))
    assert _without_empty_alternatives(nested) == Q(Q(b=1) & Q(c__in=[]), _connector=Q.OR)
