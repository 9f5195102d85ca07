"""Demo outcomes recorded by staff: what coordinators learn by phone before the surveys come back.

In the completed cohort, about a third of the mentees have an opportunity (or a job interview)
recorded by the Paris coordinator near the end of the programme; the end survey answers arrive
afterwards (seed_surveys) and, where they disagree, wait on the conflicts page for a decision.
Two mentees of the running Paris cohort already have an early outcome. Uses its own random
generator, so the rest of the seed draws the same numbers with or without it.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from binome.accounts.models import User
from binome.cohorts.models import Cohort
from binome.impact import services
from binome.impact.models import Outcome, Source
from binome.pairing.models import Duo
from binome.reference.models import Sector

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder

STAFF_KINDS = [
    (Outcome.Kind.CDD, 35),
    (Outcome.Kind.CDI, 15),
    (Outcome.Kind.INTERIM, 15),
    (Outcome.Kind.TRAINING, 15),
    (Outcome.Kind.WORK_STUDY, 10),
    (Outcome.Kind.INTERVIEW, 10),
]


def _completed_cohort() -> Cohort | None:
    """The cohort whose duos have all completed; if none, the oldest cohort with duos."""
    with_duos = Cohort.objects.filter(duos__isnull=False).distinct().order_by("starts_on")
    for cohort in with_duos:
        if not cohort.duos.exclude(status=Duo.Status.COMPLETED).exists():
            return cohort
    return with_duos.first()


def _record(rng: random.Random, actor: User | None, duo: Duo, earliest: int, latest: int, kind: str) -> None:
    day = duo.cohort.ends_on - timedelta(days=rng.randint(earliest, latest))
    occupation = duo.mentee.target_occupations.order_by("code").first()
    sector = Sector.objects.filter(occupations=occupation).order_by("code").first() if occupation else None
    services.record_outcome(
        actor=actor,
        person=duo.mentee.person,
        duo=duo,
        kind=kind,
        date=min(day, duo.cohort.ends_on),
        sector=sector if kind != Outcome.Kind.INTERVIEW else None,
        occupation=occupation if kind != Outcome.Kind.INTERVIEW else None,
        source=Source.STAFF,
    )


def seed_impact(seeder: DemoSeeder) -> None:
    rng = random.Random(f"impact-{seeder.anchor.isoformat()}")
    coordinator = User.objects.filter(email="coord.paris@demo.binome.fr").first()
    completed = _completed_cohort()
    if completed is not None:
        duos = list(completed.duos.select_related("cohort", "mentee__person").order_by("pk"))
        for duo in rng.sample(duos, k=max(1, len(duos) // 3)):
            kind = rng.choices([k for k, _w in STAFF_KINDS], weights=[w for _k, w in STAFF_KINDS], k=1)[0]
            _record(rng, coordinator, duo, 5, 60, kind)
    running = list(
        Duo.objects.filter(cohort__name="Paris printemps", status=Duo.Status.ACTIVE)
        .select_related("cohort", "mentee__person")
        .order_by("pk")
    )
    for duo, kind in zip(
        rng.sample(running, k=min(2, len(running))), [Outcome.Kind.INTERVIEW, Outcome.Kind.CDD], strict=False
    ):
        day = min(seeder.anchor - timedelta(days=rng.randint(3, 20)), duo.cohort.ends_on)
        if day >= duo.started_on:
            services.record_outcome(
                actor=coordinator, person=duo.mentee.person, duo=duo, kind=kind, date=day, source=Source.STAFF
            )
