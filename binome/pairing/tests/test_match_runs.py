"""Matching runs: snapshot, proposals, decisions, re-runs, swaps and confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

import matching
from binome.audit.models import AuditEvent
from binome.cohorts.models import Cohort
from binome.pairing import engine, services
from binome.pairing.models import Duo, MatchRun, Proposal
from binome.sourcing.models import Referral, ReferralTransition
from conftest import Cast

from .conftest import Autumn, mentee, mentor

pytestmark = pytest.mark.django_db


def pairs(run: MatchRun) -> set[tuple[int, int]]:
    return set(run.proposals.exclude(decision=Proposal.Decision.REJECTED).values_list("mentee_id", "mentor_id"))


def test_the_pool_is_the_enrolled_mentees_and_the_mentors_with_a_free_place(cast: Cast, autumn: Autumn) -> None:
    snapshot = engine.build_snapshot(autumn.cohort)
    assert {row["id"] for row in snapshot["mentees"]} == {
        autumn.samir.pk,
        autumn.yara.pk,
        autumn.mina.pk,
        autumn.ali.pk,
    }
    # Ben already mentors Chloé in a running cohort and has one place: he is not in the pool.
    assert {row["id"] for row in snapshot["mentors"]} == {autumn.ines.pk, autumn.omar.pk, autumn.tom.pk}
    assert snapshot["mentors_at_capacity"] == 1
    samir = next(row for row in snapshot["mentees"] if row["id"] == autumn.samir.pk)
    assert samir["languages"] == {"ar": "native", "fr": "B1"}
    assert samir["target_rome"] == ["M1805"]
    tom = next(row for row in snapshot["mentors"] if row["id"] == autumn.tom.pk)
    assert tom["trained"] is False
    assert snapshot["sector_codes"]["62"], "Acme's NAF sector lists its ROME codes"


def test_a_run_stores_its_inputs_weights_engine_version_and_explained_proposals(cast: Cast, autumn: Autumn) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)

    assert run.number == 1
    assert run.status == MatchRun.Status.PROPOSED
    assert run.engine_version == matching.ENGINE_VERSION
    assert run.weights == matching.PRESETS["balanced"].as_dict()
    assert run.inputs["mentees"]
    assert run.options["mode"] == "coverage_first"
    # Inès has two places and Omar one: three of the four mentees can be matched; Ali cannot.
    assert pairs(run) == {
        (autumn.samir.pk, autumn.ines.pk),
        (autumn.mina.pk, autumn.ines.pk),
        (autumn.yara.pk, autumn.omar.pk),
    }
    for proposal in run.proposals.all():
        assert sum(proposal.contributions.values()) == pytest.approx(proposal.score, abs=1e-9)
        assert set(proposal.contributions) == set(matching.CRITERIA)
        assert proposal.rank >= 1
    assert run.total_score == pytest.approx(sum(p.score for p in run.proposals.all()))
    reasons = {(row["side"], row["id"]): row["code"] for row in run.unmatched}
    assert reasons[("mentee", autumn.ali.pk)] == "no_shared_language"
    assert reasons[("mentor", autumn.tom.pk)] == "untrained"
    assert AuditEvent.objects.filter(verb="ran matching", actor=cast.amara, target_id=str(run.pk)).exists()


def test_the_same_pool_gives_the_same_proposals(cast: Cast, autumn: Autumn) -> None:
    first = services.run_matching(autumn.cohort, actor=cast.amara)
    second = services.run_matching(autumn.cohort, actor=cast.amara)
    assert pairs(first) == pairs(second)
    first.refresh_from_db()
    assert (first.status, second.number) == (MatchRun.Status.SUPERSEDED, 2)


def test_a_rejected_proposal_is_forbidden_in_the_rerun_and_an_accepted_one_is_kept(cast: Cast, autumn: Autumn) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    samir = run.proposals.get(mentee=autumn.samir)
    yara = run.proposals.get(mentee=autumn.yara)
    services.decide(samir, Proposal.Decision.REJECTED, actor=cast.amara)
    services.decide(yara, Proposal.Decision.ACCEPTED, actor=cast.amara)

    again = services.rerun(run, actor=cast.amara)

    assert [autumn.samir.pk, autumn.ines.pk] in again.forbids
    assert [autumn.yara.pk, autumn.omar.pk] in again.pins
    assert not again.proposals.filter(mentee=autumn.samir, mentor=autumn.ines).exists()
    kept = again.proposals.get(mentee=autumn.yara)
    assert (kept.mentor_id, kept.pinned, kept.decision) == (autumn.omar.pk, True, Proposal.Decision.ACCEPTED)


def test_changed_weights_are_stored_and_used(cast: Cast, autumn: Autumn) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    weights = dict.fromkeys(matching.CRITERIA, 0.0) | {"distance": 1.0}
    again = services.rerun(run, actor=cast.amara, weights=weights, mode=MatchRun.Mode.QUALITY_FIRST)
    assert again.weights == weights
    assert again.mode == "quality_first"
    for proposal in again.proposals.all():
        assert proposal.contributions["occupation"] == 0.0


def test_weights_that_are_all_zero_are_refused_with_a_message(cast: Cast, autumn: Autumn) -> None:
    with pytest.raises(ValidationError, match="positive weight"):
        services.run_matching(autumn.cohort, actor=cast.amara, weights=dict.fromkeys(matching.CRITERIA, 0.0))
    assert not MatchRun.objects.exists()


def test_pinning_a_pair_that_breaks_a_hard_constraint_is_refused(cast: Cast, autumn: Autumn) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    with pytest.raises(ValidationError, match="training"):
        services.set_pair_rule(run, autumn.samir.pk, autumn.tom.pk, "pin", actor=cast.amara)
    with pytest.raises(ValidationError, match="language"):
        services.set_pair_rule(run, autumn.ali.pk, autumn.omar.pk, "pin", actor=cast.amara)
    run.refresh_from_db()
    assert run.pins == []


def test_a_pin_is_applied_by_the_next_run_and_its_cost_is_known(cast: Cast, autumn: Autumn) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    cost = services.cost_of_pair(run, autumn.yara.pk, autumn.ines.pk)
    assert cost.delta_score <= 0
    assert cost.total_without == pytest.approx(run.total_score)

    services.set_pair_rule(run, autumn.yara.pk, autumn.ines.pk, "pin", actor=cast.amara)
    again = services.rerun(run, actor=cast.amara)

    assert again.proposals.get(mentee=autumn.yara).mentor_id == autumn.ines.pk
    assert again.total_score == pytest.approx(cost.total_with)


def test_swapping_two_mentors_recomputes_both_explanations(cast: Cast, autumn: Autumn) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    samir = run.proposals.get(mentee=autumn.samir)
    yara = run.proposals.get(mentee=autumn.yara)

    services.swap_mentors(samir, yara, actor=cast.amara)

    samir.refresh_from_db()
    yara.refresh_from_db()
    assert (samir.mentor_id, yara.mentor_id) == (autumn.omar.pk, autumn.ines.pk)
    assert samir.swapped
    assert yara.swapped
    for proposal in (samir, yara):
        assert sum(proposal.contributions.values()) == pytest.approx(proposal.score, abs=1e-9)
    run.refresh_from_db()
    assert run.total_score == pytest.approx(sum(p.score for p in run.proposals.all()))


def test_a_swap_that_would_break_a_constraint_is_refused_and_changes_nothing(cast: Cast, autumn: Autumn) -> None:
    extra = mentee(autumn.cohort, cast, "Farid", "D1102", "A2", {"ar": "native"})  # only Omar shares Arabic
    first = services.run_matching(autumn.cohort, actor=cast.amara)
    services.set_pair_rule(first, extra.pk, autumn.omar.pk, "pin", actor=cast.amara)
    run = services.rerun(first, actor=cast.amara)
    farid = run.proposals.get(mentee=extra)
    assert farid.mentor_id == autumn.omar.pk
    other = run.proposals.get(mentee=autumn.samir)
    with pytest.raises(ValidationError, match="language"):
        services.swap_mentors(farid, other, actor=cast.amara)
    farid.refresh_from_db()
    assert farid.mentor_id == autumn.omar.pk
    assert not farid.swapped


def test_confirming_creates_the_duos_moves_the_pipeline_and_notifies_once(
    cast: Cast, autumn: Autumn, django_capture_on_commit_callbacks: Any
) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    services.decide(run.proposals.get(mentee=autumn.mina), Proposal.Decision.REJECTED, actor=cast.amara)

    with django_capture_on_commit_callbacks() as callbacks:
        duos = services.confirm_match_run(run, actor=cast.amara)

    assert {(d.mentee_id, d.mentor_id) for d in duos} == {
        (autumn.samir.pk, autumn.ines.pk),
        (autumn.yara.pk, autumn.omar.pk),
    }
    assert all(d.status == Duo.Status.ACTIVE and d.started_on == autumn.cohort.starts_on for d in duos)
    run.refresh_from_db()
    autumn.cohort.refresh_from_db()
    assert run.status == MatchRun.Status.CONFIRMED
    assert run.confirmed_by == cast.amara
    assert autumn.cohort.status == Cohort.Status.RUNNING
    statuses = dict(Referral.objects.filter(cohort=autumn.cohort).values_list("person_id", "status"))
    assert statuses[autumn.samir.person_id] == Referral.Status.MATCHED
    assert statuses[autumn.mina.person_id] == Referral.Status.ENROLLED  # rejected: stays to be matched
    transition = ReferralTransition.objects.get(referral__person=autumn.samir.person, to_status="matched")
    assert transition.actor == cast.amara
    assert transition.from_status == "enrolled"
    assert len(callbacks) >= 1

    with pytest.raises(ValidationError, match="already confirmed"):
        services.confirm_match_run(run, actor=cast.lucie)
    with pytest.raises(ValidationError, match="already confirmed"):
        services.run_matching(autumn.cohort, actor=cast.amara)
    assert Duo.objects.filter(cohort=autumn.cohort).count() == 2


def test_a_superseded_run_cannot_be_confirmed(cast: Cast, autumn: Autumn) -> None:
    first = services.run_matching(autumn.cohort, actor=cast.amara)
    services.run_matching(autumn.cohort, actor=cast.amara)
    with pytest.raises(ValidationError, match="latest run"):
        services.confirm_match_run(first, actor=cast.amara)
    assert not Duo.objects.filter(cohort=autumn.cohort).exists()


def test_confirming_refuses_a_mentor_filled_since_the_run_and_saves_nothing(cast: Cast, autumn: Autumn) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    # Meanwhile Omar took a duo in another cohort: his only place is gone.
    other = Cohort.objects.create(
        territory=cast.paris, name="Paris bis", starts_on=autumn.cohort.starts_on, ends_on=autumn.cohort.ends_on
    )
    late = mentee(other, cast, "Lina", "D1102", "B1", {})
    Duo.objects.create(cohort=other, mentor=autumn.omar, mentee=late, started_on=other.starts_on)

    with pytest.raises(ValidationError, match="Omar Mentor"):
        services.confirm_match_run(run, actor=cast.amara)

    assert not Duo.objects.filter(cohort=autumn.cohort).exists()
    assert not Referral.objects.filter(cohort=autumn.cohort, status=Referral.Status.MATCHED).exists()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PROPOSED


def test_a_closed_cohort_cannot_be_matched(cast: Cast, autumn: Autumn) -> None:
    autumn.cohort.status = Cohort.Status.CLOSED
    autumn.cohort.save()
    with pytest.raises(ValidationError, match="closed"):
        services.run_matching(autumn.cohort, actor=cast.amara)


def test_an_empty_pool_gives_an_empty_run_with_nothing_to_confirm(cast: Cast) -> None:
    cohort = Cohort.objects.create(
        territory=cast.lyon,
        name="Lyon vide",
        starts_on=cast.paris_duo.started_on,
        ends_on=cast.paris_duo.started_on.replace(year=2027),
    )
    run = services.run_matching(cohort, actor=cast.lucie)
    assert run.proposals.count() == 0
    with pytest.raises(ValidationError, match="no proposed duo"):
        services.confirm_match_run(run, actor=cast.lucie)


def test_mentor_helper_keeps_people_in_the_cohorts_territory(cast: Cast) -> None:
    extra = mentor(cast, "Zoé", cast.acme, "M1805", {"fr": "native"})
    assert extra.person.territory == cast.paris
