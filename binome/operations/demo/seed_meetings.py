"""Demo meeting history: months of meetings for running and past duos, some duos at risk.

Duos follow a few realistic patterns (steady, slow start, gone quiet, never met); the
engagement rules then run as of the anchor day, so the "needs attention" list is real.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from binome.accounts.models import Role
from binome.meetings import engagement
from binome.meetings.models import Meeting, NetworkIntroduction, Topic
from binome.pairing.models import Duo
from binome.reference.models import Sector

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder

PARIS = ZoneInfo("Europe/Paris")
PATTERNS = ["steady"] * 14 + ["slow_start"] * 3 + ["gone_quiet"] * 2 + ["never_met"]
NOTES = [
    "",
    "",
    "CV repris ensemble, version courte pour les candidatures spontanées.",
    "Simulation d'entretien pour un poste en logistique.",
    "On a parlé des codes en entreprise : tutoiement, ponctualité, réunions.",
    "Préparation du salon de l'emploi de jeudi.",
    "Lecture d'une offre d'emploi et du contrat proposé.",
]
CONTACTS = [
    ("Responsable recrutement", "Groupe Hôtelier Seine"),
    ("Chef d'équipe logistique", "Transports Delorme"),
    ("Développeuse", "Numérique & Co"),
    ("Responsable de boutique", "Boulangerie Martin"),
    ("Chargée RH", "Acme Conseil"),
    ("Conducteur de travaux", "Bâtiment Rhône"),
]


def _history(seeder: DemoSeeder, duo: Duo, pattern: str, until: date) -> list[Meeting]:
    rng = seeder.rng
    if pattern == "never_met":
        return []
    day = duo.started_on + timedelta(days=rng.randint(5, 12) if pattern != "slow_start" else rng.randint(20, 30))
    stop = until if pattern != "gone_quiet" else min(until, duo.started_on + timedelta(days=rng.randint(35, 60)))
    meetings = []
    while day <= stop:
        recorded_as = rng.choice([Meeting.Author.MENTOR, Meeting.Author.MENTEE])
        recent = (until - day).days < 4
        confirmed = not recent and rng.random() < 0.93
        meetings.append(
            Meeting(
                duo=duo,
                held_on=day,
                duration_minutes=rng.choice([45, 60, 60, 90, 120]),
                mode=rng.choices(list(Meeting.Mode), weights=[60, 25, 15], k=1)[0],
                topics=sorted(rng.sample(list(Topic.values), k=rng.randint(1, 3))),
                note=rng.choice(NOTES),
                recorded_as=recorded_as,
                recorded_at=datetime.combine(day, time(19), PARIS),
                confirmed_at=datetime.combine(day + timedelta(days=1), time(9), PARIS) if confirmed else None,
                # The other member confirmed it: the only confirmation that counts in the hours.
                confirmed_as=(Meeting.Author.MENTEE if recorded_as == Meeting.Author.MENTOR else Meeting.Author.MENTOR)
                if confirmed
                else "",
            )
        )
        day += timedelta(days=rng.randint(9, 18))
    return meetings


def seed_meetings(seeder: DemoSeeder) -> None:
    today = seeder.anchor
    duos = list(Duo.objects.select_related("cohort", "mentor__person").order_by("pk"))
    sectors = list(Sector.objects.order_by("code")[:40])
    meetings: list[Meeting] = []
    introductions: list[NetworkIntroduction] = []
    for duo in duos:
        if duo.started_on > today:
            continue
        until = min(today, duo.ended_on or duo.cohort.ends_on)
        pattern = "steady" if duo.status == Duo.Status.COMPLETED else seeder.rng.choice(PATTERNS)
        history = _history(seeder, duo, pattern, until)
        meetings += history
        if history and seeder.rng.random() < 0.45:
            for _k in range(seeder.rng.randint(1, 3)):
                role, company = seeder.rng.choice(CONTACTS)
                introductions.append(
                    NetworkIntroduction(
                        duo=duo,
                        introduced_on=seeder.rng.choice(history).held_on,
                        contact_role=role,
                        company=company,
                        sector=seeder.rng.choice(sectors) if sectors else None,
                        meeting_followed=seeder.rng.random() < 0.6,
                    )
                )
    Meeting.objects.bulk_create(meetings)
    NetworkIntroduction.objects.bulk_create(introductions)
    # The demo mentee has just recorded a meeting: the demo mentor confirms it in one tap.
    demo_mentee = Role.objects.filter(user__email="mentee@demo.binome.fr").values_list("person_id", flat=True).first()
    demo = Duo.objects.filter(mentee__person_id=demo_mentee or 0, status=Duo.Status.ACTIVE).first()
    if demo is not None:
        Meeting.objects.create(
            duo=demo,
            held_on=today - timedelta(days=1),
            duration_minutes=60,
            mode=Meeting.Mode.IN_PERSON,
            topics=[Topic.INTERVIEW, Topic.CODES],
            note="Préparation de l'entretien de mardi.",
            recorded_as=Meeting.Author.MENTEE,
        )
    engagement.evaluate(today)
