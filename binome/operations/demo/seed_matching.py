"""Demo matching: a Paris cohort ready to match, a Lyon cohort matched through the real engine.

Runs last in the seed, through the same services the board uses, so the demo's runs,
proposals, duos and pipeline transitions are what a coordinator would have produced.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from binome.accounts.models import Role
from binome.cohorts.models import Cohort
from binome.pairing import services as pairing
from binome.pairing.models import Duo, MatchRun, Proposal
from binome.sourcing.models import Referral
from binome.sourcing.services import move_referral

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder

# How many people wait in each cohort: enough for a board worth looking at, not a wall.
PARIS_READY = 30
LYON_MATCHED = 20


def _enrol(cohort: Cohort, limit: int) -> int:
    """Enrol up to `limit` eligible or already-enrolled people of the cohort's territory who have no duo."""
    free = (
        Referral.objects.filter(person__territory=cohort.territory, merged_into__isnull=True)
        .exclude(person__mentee_profile__duos__isnull=False)
        .filter(status__in=[Referral.Status.ENROLLED, Referral.Status.ELIGIBLE])
        .order_by("status", "pk")  # "eligible" before "enrolled": alphabetical, deterministic
    )
    count = 0
    seen: set[int] = set()
    for referral in free:
        if count >= limit or referral.person_id in seen:
            continue
        seen.add(referral.person_id)
        if referral.status == Referral.Status.ENROLLED:
            referral.cohort = cohort
            referral.save(update_fields=["cohort"])
        else:
            move_referral(referral, Referral.Status.ENROLLED, actor=None, cohort=cohort, note="Session d'information")
        count += 1
    return count


def seed_matching(seeder: DemoSeeder) -> None:
    paris = Cohort.objects.get(name="Paris automne")
    _enrol(paris, PARIS_READY * seeder.scale)
    # People enrolled before this session without a cohort: attach them to their territory's next cohort.
    for cohort in Cohort.objects.filter(status=Cohort.Status.PLANNED):
        Referral.objects.filter(
            person__territory=cohort.territory, status=Referral.Status.ENROLLED, cohort__isnull=True
        ).update(cohort=cohort)

    lyon = Cohort.objects.get(name="Lyon printemps")
    _enrol(lyon, LYON_MATCHED)
    coordinator = Role.objects.get(kind=Role.Kind.COORDINATOR, territory=lyon.territory).user
    first = pairing.run_matching(lyon, actor=coordinator)
    # The coordinator turned one proposal down (they knew the two had met before) and re-ran.
    turned_down = first.proposals.order_by("score", "pk").first()
    if turned_down is not None:
        pairing.decide(turned_down, Proposal.Decision.REJECTED, actor=coordinator)
    final = pairing.rerun(first, actor=coordinator)
    duos = pairing.confirm_match_run(final, actor=coordinator)
    # The run happened when the cohort started, not today.
    started = lyon.starts_on + timedelta(days=7)
    Duo.objects.filter(pk__in=[d.pk for d in duos]).update(started_on=started)
    paris_time = ZoneInfo("Europe/Paris")
    MatchRun.objects.filter(cohort=lyon).update(created_at=datetime.combine(lyon.starts_on, time(10), paris_time))
    MatchRun.objects.filter(pk=final.pk).update(confirmed_at=datetime.combine(started, time(11), paris_time))
    seeder.report.duos += len(duos)
