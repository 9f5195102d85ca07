"""Demo programme delivery: the default template, each demo cohort's calendar generated from
it, invitations, attendance at past workshops (with a few absences, and two people who miss
several) and one cancelled workshop.

Runs before matching, so the Lyon cohort invites its enrolled mentees only. Written directly:
a seed sends no email.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from binome.cohorts.models import (
    Cohort,
    CurriculumItem,
    ItemKind,
    ProgrammeTemplate,
    Resource,
    Workshop,
    WorkshopInvitation,
)
from binome.cohorts.programme_data import create_default_programme
from binome.cohorts.services import generate_calendar
from binome.pairing.workshops import cohort_members

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder

PARIS_TZ = ZoneInfo("Europe/Paris")
DEMO_COHORTS = ["Paris 2025–2026", "Paris printemps", "Paris automne", "Lyon printemps", "Tours hiver"]
VENUES = {
    "paris": ["Maison des associations, Paris 11e", "Acme, 12 rue de la Paix, Paris 2e", "La Ruche, Paris 10e"],
    "lyon": ["Hôtel de ville de Lyon, salle Molière", "Maison des solidarités, Lyon 7e"],
    "tours": ["Maison des associations de Tours"],
}
FACILITATORS = ["Amara D.", "Sophie L.", "Karim B.", "Élise M."]


def seed_programmes(seeder: DemoSeeder) -> None:
    rng = seeder.rng
    template, _created = create_default_programme(ProgrammeTemplate, CurriculumItem, Resource)
    now = datetime.combine(seeder.anchor, time(12, 0), tzinfo=PARIS_TZ)
    for cohort in Cohort.objects.filter(name__in=DEMO_COHORTS).select_related("territory").order_by("starts_on"):
        cohort.template = template
        cohort.save(update_fields=["template"])
        if cohort.workshops.exists():
            continue
        venues = VENUES.get(cohort.territory.slug, ["Salle municipale"])
        workshops = generate_calendar(cohort)
        for workshop in workshops:
            workshop.place = rng.choice(venues)
            workshop.facilitator = rng.choice(FACILITATORS)
            workshop.capacity = 40 if workshop.audience == "both" else 25
        Workshop.objects.bulk_update(workshops, ["place", "facilitator", "capacity"])
        _invite_and_take_attendance(seeder, cohort, workshops, now)
    _cancel_one(now)


def _invite_and_take_attendance(seeder: DemoSeeder, cohort: Cohort, workshops: list[Workshop], now: datetime) -> None:
    rng = seeder.rng
    members = {audience: cohort_members(cohort, audience) for audience in ("mentees", "mentors", "both")}
    everyone = sorted({person.pk for person, _role in members["both"]})
    # Two people drift away: they miss most workshops (what the engagement rule looks for).
    drifting = set(rng.sample(everyone, min(2, len(everyone))))
    invitations = []
    for workshop in workshops:
        # Invitations go out three weeks ahead: none yet for workshops further away.
        if workshop.starts_at - timedelta(days=21) > now:
            continue
        held = workshop.ends_at <= now
        for person, role in members[workshop.audience]:
            present = None
            if held:
                present = rng.random() > (0.7 if person.pk in drifting else 0.12)
            invitations.append(
                WorkshopInvitation(
                    workshop=workshop,
                    person=person,
                    role=role,
                    invited_at=workshop.starts_at - timedelta(days=21),
                    present=present,
                )
            )
    WorkshopInvitation.objects.bulk_create(invitations)


def _cancel_one(now: datetime) -> None:
    """The running Paris cohort's next networking evening fell through: cancelled, invitees told."""
    upcoming = (
        Workshop.objects.filter(cohort__name="Paris printemps", starts_at__gt=now)
        .exclude(kind=ItemKind.MENTOR_TRAINING)
        .order_by("starts_at")
        .first()
    )
    if upcoming is not None:
        upcoming.status = Workshop.Status.CANCELLED
        upcoming.sequence = 1
        upcoming.save(update_fields=["status", "sequence"])
