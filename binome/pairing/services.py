"""Matching runs: run the engine on a cohort, let the coordinator adjust, confirm into duos.

Every write names who acted. Decisions accumulate on the current run (accept = keep this
duo in the next run, reject = forbid this pair); re-running creates a new run with them
applied, so earlier runs stay for comparison.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.accounts.models import Role
from binome.audit import audit
from binome.cohorts.models import Cohort
from binome.pairing import engine
from binome.pairing.models import Duo, MatchRun, Proposal
from binome.pairing.reasons import PIN_ERRORS
from binome.pairing.tasks import notify_new_duos
from binome.people.accounts import ensure_member_account
from binome.people.models import MenteeProfile, MentorProfile
from binome.sourcing.models import Referral
from binome.sourcing.services import move_referral

if TYPE_CHECKING:
    import matching

Pair = tuple[int, int]
PAIR_RULE_VERBS = {"pin": audit.Verb.PIN_PAIR, "forbid": audit.Verb.FORBID_PAIR, "clear": audit.Verb.CLEAR_PAIR}


def default_weights() -> dict[str, float]:
    """The engine's balanced preset: the weights of a first run."""
    import matching  # on first use, not at start-up: see binome/pairing/engine.py

    return matching.PRESETS["balanced"].as_dict()


def _pairs(values: Iterable[Iterable[int]]) -> list[Pair]:
    unique = dict.fromkeys((int(a), int(b)) for a, b in values)
    return sorted(unique)


def _pin_error(error: matching.PinError) -> ValidationError:
    reason = PIN_ERRORS.get(error.code, str(error))
    return ValidationError(_("This pair cannot be formed: %(reason)s") % {"reason": reason})


def _check_open(cohort: Cohort) -> None:
    if cohort.status == Cohort.Status.CLOSED:
        raise ValidationError(_("This cohort is closed."))
    if cohort.match_runs.filter(status=MatchRun.Status.CONFIRMED).exists():
        raise ValidationError(_("The duos of this cohort are already confirmed."))


def run_matching(
    cohort: Cohort,
    *,
    actor: Actor,
    weights: dict[str, float] | None = None,
    mode: str = MatchRun.Mode.COVERAGE_FIRST,
    pins: Iterable[Iterable[int]] = (),
    forbids: Iterable[Iterable[int]] = (),
) -> MatchRun:
    """Solve the cohort's pool as it is now and store the run with its proposals.

    `pins` and `forbids` are (mentee profile id, mentor profile id) pairs.
    """
    import matching  # on first use, not at start-up: see binome/pairing/engine.py

    _check_open(cohort)
    weights = dict(weights or default_weights())
    try:
        options = engine.options_for(weights, mode)
    except (TypeError, ValueError) as error:
        raise ValidationError(_("These weights cannot be used: give at least one positive weight.")) from error
    snapshot = engine.build_snapshot(cohort)
    problem = engine.problem_from_snapshot(snapshot)
    forbid_pairs = _pairs(forbids)
    # A pin on a pair that is also forbidden: the latest decision (the forbid) wins.
    pin_pairs = [pair for pair in _pairs(pins) if pair not in set(forbid_pairs)]
    started = time.perf_counter()
    try:
        result = matching.solve(
            problem, options, engine.to_indices(problem, pin_pairs), engine.to_indices(problem, forbid_pairs)
        )
    except matching.PinError as error:
        raise _pin_error(error) from error
    seconds = time.perf_counter() - started

    with transaction.atomic():
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()  # serialise run numbers per cohort
        cohort.match_runs.filter(status=MatchRun.Status.PROPOSED).update(status=MatchRun.Status.SUPERSEDED)
        number = (cohort.match_runs.aggregate(n=Max("number"))["n"] or 0) + 1
        run = MatchRun.objects.create(
            cohort=cohort,
            number=number,
            mode=mode,
            engine_version=result.engine_version,
            weights=weights,
            options=options.as_dict(),
            inputs=snapshot,
            pins=[list(p) for p in pin_pairs],
            forbids=[list(p) for p in forbid_pairs],
            unmatched=_unmatched(problem, result),
            total_score=result.total_score,
            solver=result.solver,
            seconds=round(seconds, 4),
            created_by=signed_in(actor),
        )
        Proposal.objects.bulk_create(
            [
                Proposal(
                    run=run,
                    mentee_id=problem.mentees[duo.mentee].id,
                    mentor_id=problem.mentors[duo.mentor].id,
                    score=duo.score,
                    contributions=dict(duo.contributions),
                    rank=duo.rank,
                    pinned=duo.pinned,
                    decision=Proposal.Decision.ACCEPTED if duo.pinned else Proposal.Decision.PROPOSED,
                )
                for duo in result.duos
            ]
        )
        if cohort.status == Cohort.Status.PLANNED:
            cohort.status = Cohort.Status.MATCHING
            cohort.save(update_fields=["status"])
        audit.record(actor=actor, verb=audit.Verb.RAN_MATCHING, target=run, proposals=len(result.duos))
    return run


def _unmatched(problem: matching.Problem, result: matching.Result) -> list[dict[str, Any]]:
    rows = [
        {"side": "mentee", "id": problem.mentees[r.index].id, "code": r.code, "params": dict(r.params)}
        for r in result.unmatched_mentees
    ]
    rows += [
        {"side": "mentor", "id": problem.mentors[r.index].id, "code": r.code, "params": dict(r.params)}
        for r in result.unmatched_mentors
    ]
    return rows


def _editable(run: MatchRun) -> None:
    if run.status != MatchRun.Status.PROPOSED:
        raise ValidationError(
            _("This run is %(status)s: open the latest run to make changes.") % {"status": run.get_status_display()}
        )


def rerun(run: MatchRun, *, actor: Actor, weights: dict[str, float] | None = None, mode: str | None = None) -> MatchRun:
    """A new run of the same cohort with this run's decisions applied (accepted → pinned, rejected → forbidden)."""
    run = MatchRun.objects.select_related("cohort").get(pk=run.pk)  # pins and forbids as last saved
    _editable(run)
    pins = [*run.pins, *run.proposals.filter(decision=Proposal.Decision.ACCEPTED).values_list("mentee_id", "mentor_id")]
    forbids = [
        *run.forbids,
        *run.proposals.filter(decision=Proposal.Decision.REJECTED).values_list("mentee_id", "mentor_id"),
    ]
    return run_matching(
        run.cohort,
        actor=actor,
        weights=weights or run.weights,
        mode=mode or run.mode,
        pins=pins,
        forbids=forbids,
    )


@transaction.atomic
def decide(proposal: Proposal, decision: str, *, actor: Actor) -> Proposal:
    run = MatchRun.objects.select_for_update().get(pk=proposal.run_id)
    _editable(run)
    if decision not in Proposal.Decision.values:
        raise ValidationError(_("Unknown decision."))
    pair = [proposal.mentee_id, proposal.mentor_id]
    if decision != Proposal.Decision.ACCEPTED and pair in run.pins:
        # Un-accepting a pinned duo releases the pin for the next run.
        run.pins = [p for p in run.pins if p != pair]
        run.save(update_fields=["pins"])
    proposal.decision = decision
    proposal.save(update_fields=["decision"])
    audit.record(actor=actor, verb=audit.Verb.DECIDED, target=proposal, decision=decision)
    return proposal


@transaction.atomic
def set_pair_rule(run: MatchRun, mentee_id: int, mentor_id: int, rule: str, *, actor: Actor) -> MatchRun:
    """Pin, forbid, or clear a pair for the next run. rule: 'pin', 'forbid', 'clear'."""
    import matching  # on first use, not at start-up: see binome/pairing/engine.py

    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    _editable(run)
    ids = {row["id"] for row in run.inputs["mentees"]}, {row["id"] for row in run.inputs["mentors"]}
    if mentee_id not in ids[0] or mentor_id not in ids[1]:
        raise ValidationError(_("Choose a mentee and a mentor of this run."))
    pair = [mentee_id, mentor_id]
    pins = (
        [p for p in run.pins if p != pair and p[0] != mentee_id]
        if rule == "pin"
        else [p for p in run.pins if p != pair]
    )
    forbids = [p for p in run.forbids if p != pair]
    if rule == "pin":
        problem = engine.problem_from_snapshot(run.inputs)
        try:
            matching.cost_of_pin(
                problem,
                engine.options_for(run.weights, run.mode),
                *engine.to_indices(problem, [(mentee_id, mentor_id)])[0],
                forbids=engine.to_indices(problem, forbids),
            )
        except matching.PinError as error:
            raise _pin_error(error) from error
        pins.append(pair)
    elif rule == "forbid":
        forbids.append(pair)
    elif rule != "clear":
        raise ValidationError(_("Unknown action."))
    run.pins, run.forbids = pins, forbids
    run.save(update_fields=["pins", "forbids"])
    audit.record(actor=actor, verb=PAIR_RULE_VERBS[rule], target=run, mentee=mentee_id, mentor=mentor_id)
    return run


def cost_of_pair(run: MatchRun, mentee_id: int, mentor_id: int) -> matching.PinCost:
    """What forcing this pair would cost against the run's own optimum (score and people matched)."""
    import matching  # on first use, not at start-up: see binome/pairing/engine.py

    problem = engine.problem_from_snapshot(run.inputs)
    found = engine.to_indices(problem, [(mentee_id, mentor_id)])
    if not found:
        raise ValidationError(_("Choose a mentee and a mentor of this run."))
    pins = [p for p in engine.to_indices(problem, run.pins) if p[0] != found[0][0]]
    try:
        return matching.cost_of_pin(
            problem,
            engine.options_for(run.weights, run.mode),
            *found[0],
            pins=pins,
            forbids=engine.to_indices(problem, run.forbids),
        )
    except matching.PinError as error:
        raise _pin_error(error) from error


@transaction.atomic
def swap_mentors(first: Proposal, second: Proposal, *, actor: Actor) -> tuple[Proposal, Proposal]:
    """Exchange the mentors of two proposals of the same run, if both new pairs are allowed.

    The explanation of the new pairs comes from the engine, from the run's own snapshot.
    """
    import matching  # on first use, not at start-up: see binome/pairing/engine.py

    run = MatchRun.objects.select_for_update().get(pk=first.run_id)
    _editable(run)
    if first.run_id != second.run_id or first.pk == second.pk:
        raise ValidationError(_("Choose two different duos of the same run."))
    if first.mentor_id == second.mentor_id:
        raise ValidationError(_("These two duos have the same mentor: there is nothing to swap."))
    problem = engine.problem_from_snapshot(run.inputs)
    current = {p.mentee_id: p.mentor_id for p in run.proposals.exclude(decision=Proposal.Decision.REJECTED)}
    current[first.mentee_id], current[second.mentee_id] = second.mentor_id, first.mentor_id
    try:
        # Pinning the whole current matching with the swap gives the exact explanation of each pair.
        result = matching.solve(
            problem,
            engine.options_for(run.weights, run.mode),
            engine.to_indices(problem, list(current.items())),
            engine.to_indices(problem, run.forbids),
        )
    except matching.PinError as error:
        raise _pin_error(error) from error
    by_mentee = {problem.mentees[d.mentee].id: d for d in result.duos}
    for proposal in (first, second):
        duo = by_mentee[proposal.mentee_id]
        proposal.mentor_id = problem.mentors[duo.mentor].id
        proposal.score, proposal.contributions, proposal.rank = duo.score, dict(duo.contributions), duo.rank
        proposal.swapped = True
        proposal.decision = Proposal.Decision.ACCEPTED
        proposal.save(update_fields=["mentor", "score", "contributions", "rank", "swapped", "decision"])
    run.total_score = sum(run.proposals.exclude(decision=Proposal.Decision.REJECTED).values_list("score", flat=True))
    run.save(update_fields=["total_score"])
    audit.record(actor=actor, verb=audit.Verb.SWAPPED, target=run, proposals=[first.pk, second.pk])
    return first, second


def confirm_match_run(run: MatchRun, *, actor: Actor) -> list[Duo]:
    """Turn the run's non-rejected proposals into duos, all or nothing, exactly once.

    Mentor rows are locked before their load is counted, so two coordinators confirming
    runs that share a mentor cannot both give them a duo beyond their capacity.
    """
    try:
        with transaction.atomic():
            duos = _confirm(run, actor=actor)
    except IntegrityError as error:  # the other confirmation won the race at the database
        raise ValidationError(_("The duos of this cohort are already confirmed.")) from error

    ids = [d.pk for d in duos]
    transaction.on_commit(lambda: notify_new_duos.enqueue(ids))
    return duos


def _form_duo(duo: Duo, referral: Referral, *, actor: Actor, note: str = "", accounts: bool = True) -> Duo:
    """Save the duo and move the mentee's enrolled referral to "matched", which only pairing may set.
    Both members get an account if they have none (a mentor who enrolled has one), with an
    invitation to choose a password in their language (binome/people/accounts.py)."""
    duo.save(force_insert=True)
    move_referral(referral, Referral.Status.MATCHED, actor=actor, note=note, system=True)
    if accounts:
        ensure_member_account(duo.mentee.person, kind=Role.Kind.MENTEE, actor=actor)
        ensure_member_account(duo.mentor.person, kind=Role.Kind.MENTOR, actor=actor)
    return duo


@transaction.atomic
def create_duo(
    cohort: Cohort,
    mentee: MenteeProfile,
    mentor: MentorProfile,
    *,
    started_on: date,
    actor: Actor,
    accounts: bool = True,
) -> Duo:
    """One duo formed by hand, outside a matching run. As when a run is confirmed, the mentee's
    referral moves to "matched", so it must be enrolled (move_referral refuses any other status);
    a second live duo for the mentee in the cohort breaks a database constraint. `accounts=False`
    (the demo seed, which makes its own logins): the members get no account here."""
    referral = Referral.objects.filter(person_id=mentee.person_id).latest("pk")  # every mentee was referred
    duo = _form_duo(
        Duo(cohort=cohort, mentor=mentor, mentee=mentee, started_on=started_on),
        referral,
        actor=actor,
        accounts=accounts,
    )
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=duo)
    return duo


def _confirm(run: MatchRun, *, actor: Actor) -> list[Duo]:
    run = MatchRun.objects.select_for_update().select_related("cohort").get(pk=run.pk)
    if run.status == MatchRun.Status.CONFIRMED:
        raise ValidationError(_("This run is already confirmed."))
    _editable(run)
    _check_open(run.cohort)
    proposals = list(run.proposals.exclude(decision=Proposal.Decision.REJECTED).select_related("mentor__person"))
    if not proposals:
        raise ValidationError(_("There is no proposed duo to confirm."))
    needed = Counter(p.mentor_id for p in proposals)
    locked = list(MentorProfile.objects.select_for_update().filter(pk__in=sorted(needed)).order_by("pk"))
    load = dict(
        MentorProfile.objects.filter(pk__in=sorted(needed))
        .annotate(load=Count("duos", filter=engine.busy_load()))
        .values_list("pk", "load")
    )
    full = [m for m in locked if load.get(m.pk, 0) + needed[m.pk] > m.capacity]
    if full:
        raise ValidationError(
            _("These mentors no longer have a free place: %(names)s. Re-run the matching.")
            % {"names": ", ".join(m.person.full_name for m in full)}
        )
    enrolled = {
        r.person_id: r
        for r in Referral.objects.select_for_update().filter(cohort=run.cohort, status=Referral.Status.ENROLLED)
    }
    mentee_people = dict(
        run.proposals.exclude(decision=Proposal.Decision.REJECTED).values_list("mentee_id", "mentee__person_id")
    )
    gone = [p for p in proposals if mentee_people[p.mentee_id] not in enrolled]
    if gone:
        raise ValidationError(
            _("%(count)s proposed mentees are no longer enrolled in this cohort. Re-run the matching.")
            % {"count": len(gone)}
        )
    started_on = max(run.cohort.starts_on, timezone.localdate())
    note = _("Matching run #%(number)s confirmed.") % {"number": run.number}
    duos = [
        _form_duo(
            Duo(
                cohort=run.cohort,
                mentor_id=proposal.mentor_id,
                mentee_id=proposal.mentee_id,
                started_on=started_on,
                proposal=proposal,
            ),
            enrolled[mentee_people[proposal.mentee_id]],
            actor=actor,
            note=note,
        )
        for proposal in proposals
    ]
    run.status = MatchRun.Status.CONFIRMED
    run.confirmed_at = timezone.now()
    run.confirmed_by = signed_in(actor)
    run.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    cohort = run.cohort
    if cohort.status in (Cohort.Status.PLANNED, Cohort.Status.MATCHING):
        cohort.status = Cohort.Status.RUNNING
        cohort.save(update_fields=["status"])
    audit.record(actor=actor, verb=audit.Verb.CONFIRMED, target=run, duos=len(duos))
    return duos
