"""Hard constraints, reason codes, pins and forbids, on named little scenarios."""

from __future__ import annotations

import pytest

from matching import Mentee, Mentor, Options, PinError, Problem, cost_of_pin, solve


def amina(**kw):
    base = {"id": 1, "territory": 1, "languages": {"fr": "B1", "ar": "native"}, "target_rome": ("M1805",)}
    return Mentee(**(base | kw))


def ben(**kw):
    base = {"id": 10, "territory": 1, "languages": {"fr": "native"}, "rome": "M1805", "company": 7}
    return Mentor(**(base | kw))


def run(mentees, mentors, options=None, **kw):
    return solve(Problem.build(mentees, mentors), options or Options(), **kw)


def only_reason(result):
    assert len(result.unmatched_mentees) == 1
    return result.unmatched_mentees[0]


def test_a_feasible_pair_is_proposed_with_rank_one():
    result = run([amina()], [ben()])
    assert result.pairs == [(0, 0)]
    assert result.duos[0].rank == 1
    assert result.matched == 1
    assert result.coverage == 1.0


def test_a_mentee_with_no_shared_language_is_unmatched_with_that_reason():
    reason = only_reason(run([amina(languages={"ps": "native"})], [ben()]))
    assert reason.code == "no_shared_language"
    assert reason.params["trained"] == 1
    assert reason.params["shared_language"] == 0
    assert "B1" in reason.message


def test_a_language_below_the_minimum_level_does_not_count_as_shared():
    mentees, mentors = [amina(languages={"fr": "A2"})], [ben()]
    assert only_reason(run(mentees, mentors)).code == "no_shared_language"
    assert run(mentees, mentors, Options(min_language_level="A2")).pairs == [(0, 0)]


def test_a_mentee_alone_in_her_territory_is_unmatched_for_territory():
    result = run([amina(territory=2)], [ben()])
    assert only_reason(result).code == "territory"
    assert result.unmatched_mentors[0].code == "territory"


def test_an_untrained_mentor_is_never_matched():
    result = run([amina()], [ben(trained=False)])
    assert only_reason(result).code == "no_trained_mentor"
    assert result.unmatched_mentors[0].code == "untrained"


def test_a_required_gender_preference_is_a_hard_constraint():
    result = run([amina(gender="f", gender_preference="f", gender_required=True)], [ben(gender="m")])
    assert only_reason(result).code == "gender_requirement"
    soft = run([amina(gender="f", gender_preference="f")], [ben(gender="m")])
    assert soft.pairs == [(0, 0)]


def test_a_mentor_requiring_a_gender_is_not_matched_with_another():
    result = run([amina(gender="f")], [ben(gender="m", gender_preference="m", gender_required=True)])
    assert only_reason(result).code == "gender_requirement"


def test_a_mentee_excluding_the_mentors_company_is_not_matched_with_him():
    result = run([amina(excluded_companies=(7,))], [ben()])
    assert only_reason(result).code == "excluded"
    assert result.unmatched_mentors[0].code == "excluded"


def test_a_mentee_excluding_a_mentor_by_id_is_not_matched_with_him():
    result = run([amina(excluded_mentors=(10,))], [ben(), ben(id=11, company=8)])
    assert result.pairs == [(0, 1)]


def test_when_the_only_mentor_is_taken_the_reason_is_capacity():
    result = run([amina(), amina(id=2, languages={"fr": "native"})], [ben()])
    assert result.pairs == [(1, 0)]  # the better language match wins
    assert only_reason(result).code == "all_feasible_mentors_at_capacity"


def test_a_mentor_with_capacity_two_mentors_two_mentees():
    result = run([amina(), amina(id=2)], [ben(capacity=2)])
    assert result.pairs == [(0, 0), (1, 0)]


def test_coverage_first_matches_more_mentees_than_quality_first_would():
    # Amina fits Ben perfectly and Dev poorly; Chloé can only go to Ben.
    mentees = [amina(), amina(id=2, target_rome=("A1101",))]
    mentors = [ben(), ben(id=11, rome="K2501", languages={"fr": "B1", "en": "C1"}, company=8)]
    mentees[1] = Mentee(id=2, territory=1, languages={"fr": "B1"}, target_rome=("A1101",))
    mentors[1] = Mentor(id=11, territory=1, languages={"ps": "native"}, rome="K2501")
    coverage = run(mentees, mentors)
    assert coverage.matched == 1  # Chloé shares no language with Dev
    assert coverage.pairs in ([(0, 0)], [(1, 0)])


def test_quality_first_leaves_a_mentee_unmatched_when_only_poor_pairs_exist():
    poor = Mentor(id=10, territory=1, languages={"fr": "A2", "ar": "B1"}, rome="A1101", meeting_mode="remote")
    mentee = amina(meeting_mode="in_person", lat=48.85, lon=2.35)
    assert run([mentee], [poor]).matched == 1
    result = run([mentee], [poor], Options(mode="quality_first", min_score=0.6))
    assert only_reason(result).code == "only_poor_matches"
    assert result.unmatched_mentors[0].code == "only_poor_matches"


def test_a_pinned_pair_is_formed_even_when_another_pair_scores_better():
    mentors = [ben(), ben(id=11, rome="A1101", company=8)]
    assert run([amina()], mentors).pairs == [(0, 0)]
    result = run([amina()], mentors, pins=[(0, 1)])
    assert result.pairs == [(0, 1)]
    assert result.duos[0].pinned
    assert result.duos[0].rank == 2
    assert result.unmatched_mentors[0].code == "feasible_mentees_matched_elsewhere"


def test_a_pin_that_breaks_a_hard_constraint_raises_a_clear_error():
    with pytest.raises(PinError) as error:
        run([amina(languages={"ps": "native"})], [ben()], pins=[(0, 0)])
    assert error.value.code == "pin_violates_language"
    assert "share no working language" in str(error.value)
    with pytest.raises(PinError) as error:
        run([amina(), amina(id=2)], [ben()], pins=[(0, 0), (1, 0)])
    assert error.value.code == "mentor_over_capacity"
    with pytest.raises(PinError) as error:
        run([amina()], [ben()], pins=[(0, 0)], forbids=[(0, 0)])
    assert error.value.code == "pinned_and_forbidden"


def test_a_forbidden_pair_is_not_proposed():
    result = run([amina()], [ben()], forbids=[(0, 0)])
    assert result.pairs == []
    assert only_reason(result).code == "excluded"


def test_the_cost_of_forcing_a_pair_is_the_drop_in_the_optimal_total():
    mentees = [amina(), amina(id=2)]
    mentors = [ben(), ben(id=11, rome="A1101", company=8)]
    problem = Problem.build(mentees, mentors)
    base = solve(problem)
    cost = cost_of_pin(problem, None, 0, 1, base=base)
    forced = solve(problem, pins=[(0, 1)])
    assert cost.total_without == base.total_score
    assert cost.total_with == forced.total_score
    assert cost.delta_score == forced.total_score - base.total_score
    assert cost.delta_matched == 0


def test_forcing_a_pair_can_cost_a_matched_mentee():
    # Amina speaks French and Arabic, Chloé only French; Dev only Arabic.
    mentees = [amina(), amina(id=2, languages={"fr": "C1"})]
    mentors = [ben(), ben(id=11, languages={"ar": "native"}, company=8)]
    problem = Problem.build(mentees, mentors)
    assert solve(problem).matched == 2
    cost = cost_of_pin(problem, Options(), 0, 0)
    assert (cost.matched_without, cost.matched_with, cost.delta_matched) == (2, 1, -1)
    assert cost.delta_score < 0


def test_a_result_carries_the_engine_version_and_solver():
    result = run([amina()], [ben()])
    assert result.engine_version
    assert result.solver == "dense"
    assert run([amina()], [ben()], Options(solver="flow", top_k=5)).solver == "flow(top_k=5)"


def test_a_too_small_top_k_is_reported_as_the_reason():
    # Both mentees rank Ben first; with top_k=1 Chloé never sees Dev.
    mentees = [amina(languages={"fr": "native"}), amina(id=2)]
    mentors = [ben(), ben(id=11, rome="A1101", company=8)]
    exact = run(mentees, mentors)
    assert exact.matched == 2
    limited = run(mentees, mentors, Options(solver="flow", top_k=1))
    assert limited.pairs == [(0, 0)]
    assert only_reason(limited).code == "outside_top_k"
    assert limited.unmatched_mentors[0].code == "outside_top_k"
