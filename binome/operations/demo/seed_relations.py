"""Demo company and partner relations, and in-company events.

A pipeline in Paris and Lyon with companies at every stage (some next actions overdue), their
contacts and exchanges, two partner agreements, and in-company events: past ones with
attendance taken, upcoming ones with registrations. Uses its own random generator so the rest
of the seed draws the same numbers as before.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from binome.accounts.models import User
from binome.events import services as events
from binome.events.models import EventRegistration
from binome.organisations import services
from binome.organisations.models import CompanyRelation, Organisation, StageChange
from binome.people.models import MenteeProfile, MentorProfile
from binome.territories.models import Territory

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder

PARIS = ZoneInfo("Europe/Paris")
Stage = CompanyRelation.Stage

# territory, company, stage, next action, days from the anchor to the next action (None: none), lost reason
PROSPECTS = [
    ("paris", "Groupe Hôtelier Seine", Stage.IDENTIFIED, "Trouver le contact RSE", 5, ""),
    ("paris", "Assurances Lutèce", Stage.IDENTIFIED, "Appeler l'accueil du siège", -4, ""),
    ("paris", "Transports Delorme", Stage.CONTACTED, "Relancer après l'envoi de la plaquette", -9, ""),
    ("paris", "Cabinet Vauban Avocats", Stage.CONTACTED, "Proposer deux dates de rendez-vous", 3, ""),
    ("paris", "Grands Magasins Opéra", Stage.MEETING, "Envoyer la proposition de convention", 7, ""),
    ("paris", "Imprimerie Montreuil", Stage.LOST, "", None, "Pas de budget mécénat cette année ; recontacter en 2027."),
    ("lyon", "Chimie Vallée du Rhône", Stage.IDENTIFIED, "Repérer la DRH sur LinkedIn", 10, ""),
    ("lyon", "Banque Presqu'île", Stage.CONTACTED, "Relancer par téléphone", -2, ""),
    ("lyon", "Hôpital privé Saint-Jean", Stage.MEETING, "Présenter le programme au CODIR", 12, ""),
    ("lyon", "Restaurants Bouchons & Co", Stage.LOST, "", None, "Trop petite équipe pour libérer des mentors."),
]
ORDER = [Stage.IDENTIFIED, Stage.CONTACTED, Stage.MEETING, Stage.SIGNED]
CONTACTS = [
    ("Claire Morel", "Directrice RSE"),
    ("Julien Bernard", "Responsable des ressources humaines"),
    ("Sophie Lambert", "Chargée de mission diversité"),
    ("Thomas Garnier", "Directeur général"),
    ("Nadia Benali", "Responsable mécénat de compétences"),
    ("Marc Lefèvre", "Chargé de recrutement"),
]
EXCHANGES: dict[str, list[tuple[str, str]]] = {
    Stage.CONTACTED: [("email", "Plaquette du programme envoyée, avec les résultats de l'an dernier.")],
    Stage.MEETING: [
        ("call", "Premier appel : intérêt pour 5 à 8 mentors, question sur le temps à libérer."),
        ("meeting", "Rendez-vous sur place avec la DRH et la RSE : présentation du programme et du coût."),
    ],
    Stage.SIGNED: [("meeting", "Bilan de la promotion et renouvellement de la convention évoqué.")],
    Stage.LOST: [("call", "Réponse négative pour cette année.")],
}
AGREEMENTS = [
    ("paris-ngo", "Orientation de personnes réfugiées vers le programme, suivi social partagé", "CONV-2026-AEP"),
    (
        "agence-emploi-paris-nord",
        "Orientation des demandeurs d'emploi réfugiés et partage des sorties emploi",
        "CONV-2026-AEPN",
    ),
]
# company slug, kind, title, days from the anchor, format, place, capacity, employees, mentees
EVENTS = [
    (
        "acme",
        "awareness",
        "Sensibilisation : l'accueil des réfugiés en France",
        -24,
        "in_person",
        "Acme Conseil, salle Vauban",
        30,
        8,
        0,
    ),
    ("acme", "testimony", "Témoignages croisés de binômes", -10, "in_person", "Acme Conseil, auditorium", 40, 6, 4),
    ("acme", "job_dating", "Job-dating logistique et conseil", 12, "in_person", "Acme Conseil, 3e étage", 20, 4, 6),
    (
        "banque-lumiere",
        "intercultural",
        "Atelier interculturel : codes du travail en France",
        -15,
        "online",
        "https://visio.example/banque-lumiere",
        25,
        5,
        5,
    ),
    (
        "pharma-confluence",
        "job_dating",
        "Job-dating industrie pharmaceutique",
        9,
        "in_person",
        "Pharma Confluence, Gerland",
        15,
        3,
        5,
    ),
]


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS)


def seed_relations(seeder: DemoSeeder) -> None:
    rng = random.Random(f"relations-{seeder.anchor.isoformat()}")
    anchor = seeder.anchor
    territories = {t.slug: t for t in Territory.objects.all()}
    coordinators = {
        slug: User.objects.filter(email=f"coord.{slug}@demo.binome.fr").first() for slug in ("paris", "lyon", "tours")
    }
    _pipeline(rng, anchor, territories, coordinators)
    _partners(anchor, coordinators)
    _events(rng, anchor, coordinators)


def _actor(coordinators: dict[str, User | None], organisation: Organisation) -> User | None:
    return coordinators.get(organisation.territory.slug if organisation.territory else "paris")


def _contacts_and_exchanges(
    rng: random.Random, anchor: date, company: Organisation, stage: str, actor: User | None
) -> None:
    people = rng.sample(CONTACTS, 2 if stage in {Stage.MEETING, Stage.SIGNED} else 1)
    contacts = [
        services.add_contact(
            company,
            name=name,
            role=role,
            email=f"{slugify(name.split()[0])}.{slugify(name.split()[-1])}@{company.slug}.example.fr",
            phone="01 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
            actor=actor,
        )
        for name, role in people
    ]
    history = EXCHANGES.get(stage, [])
    for n, (kind, summary) in enumerate(history):
        services.record_exchange(
            company,
            happened_on=anchor - timedelta(days=6 * (len(history) - n) + rng.randint(0, 3)),
            kind=kind,
            summary=summary,
            contact=contacts[n % len(contacts)],
            actor=actor,
        )


def _pipeline(
    rng: random.Random, anchor: date, territories: dict[str, Territory], coordinators: dict[str, User | None]
) -> None:
    # The demo's companies already lend mentors: their agreement is signed.
    for company in Organisation.objects.filter(kind=Organisation.Kind.COMPANY, territory__slug__in=["paris", "lyon"]):
        actor = _actor(coordinators, company)
        relation = services.move_company(
            company,
            stage=Stage.SIGNED,
            next_action="Bilan de mi-parcours" if company.slug == "acme" else "",
            next_action_on=anchor + timedelta(days=20) if company.slug == "acme" else None,
            actor=actor,
        )
        _backdate(relation, anchor - timedelta(days=rng.randint(200, 400)))
        if company.slug in {"acme", "banque-lumiere", "pharma-confluence", "soierie-moderne"}:
            _contacts_and_exchanges(rng, anchor, company, Stage.SIGNED, actor)
    for slug, name, stage, action, days, reason in PROSPECTS:
        actor = coordinators.get(slug)
        relation = services.add_prospect(territory=territories[slug], name=name, actor=actor)
        path = (
            ORDER[: ORDER.index(stage) + 1] if stage != Stage.LOST else [Stage.IDENTIFIED, Stage.CONTACTED, Stage.LOST]
        )
        for step in path[1:]:
            relation = services.move_company(
                relation.company,
                stage=step,
                lost_reason=reason if step == Stage.LOST else "",
                next_action=action,
                next_action_on=anchor + timedelta(days=days) if days is not None else None,
                actor=actor,
            )
        if len(path) == 1:
            services.move_company(
                relation.company,
                stage=stage,
                next_action=action,
                next_action_on=anchor + timedelta(days=days) if days is not None else None,
                actor=actor,
            )
        _backdate(relation, anchor - timedelta(days=rng.randint(5, 40)))
        _contacts_and_exchanges(rng, anchor, relation.company, stage, actor)


def _backdate(relation: CompanyRelation, when: date) -> None:
    """Services stamp "now"; the demo's history sits before the anchor day."""
    moment = _at(when)
    CompanyRelation.objects.filter(pk=relation.pk).update(stage_changed_at=moment)
    changes = list(StageChange.objects.filter(relation=relation).order_by("pk"))
    for n, change in enumerate(changes):
        StageChange.objects.filter(pk=change.pk).update(at=moment - timedelta(days=7 * (len(changes) - 1 - n)))


def _partners(anchor: date, coordinators: dict[str, User | None]) -> None:
    for slug, purpose, reference in AGREEMENTS:
        partner = Organisation.objects.filter(slug=slug).first()
        if partner is None:
            continue
        actor = coordinators.get("paris")
        services.add_partner_agreement(
            partner,
            purpose=purpose,
            starts_on=date(anchor.year, 1, 1),
            ends_on=date(anchor.year, 12, 31),
            signed_on=date(anchor.year - 1, 12, 12),
            document_reference=reference,
            actor=actor,
        )
        services.add_contact(
            partner,
            name="Camille Rousseau" if slug == "paris-ngo" else "Karim Haddou",
            role="Coordinatrice insertion" if slug == "paris-ngo" else "Conseiller référent réfugiés",
            email=f"contact@{slug}.example.org",
            phone="01 40 00 00 0" + ("1" if slug == "paris-ngo" else "2"),
            actor=actor,
        )
        services.record_exchange(
            partner,
            happened_on=anchor - timedelta(days=14),
            kind="meeting",
            summary="Point trimestriel sur les orientations et les sorties.",
            actor=actor,
        )


def _events(rng: random.Random, anchor: date, coordinators: dict[str, User | None]) -> None:
    for slug, kind, title, days, fmt, place, capacity, employees, mentees in EVENTS:
        company = Organisation.objects.filter(slug=slug).select_related("territory").first()
        if company is None or company.territory is None:
            continue
        actor = _actor(coordinators, company)
        event = events.create_event(
            company=company,
            kind=kind,
            title=title,
            starts_at=_at(anchor + timedelta(days=days), 12 if fmt == "in_person" else 17),
            duration_minutes=120,
            format=fmt,
            place=place,
            capacity=capacity,
            actor=actor,
        )
        staff = list(MentorProfile.objects.filter(company=company).select_related("person").order_by("pk"))
        refugees = list(
            MenteeProfile.objects.filter(person__territory=company.territory).select_related("person").order_by("pk")
        )
        people = rng.sample(staff, min(employees, len(staff))) + rng.sample(refugees, min(mentees, len(refugees)))
        registrations = [events.register(event, p.person, actor=actor) for p in people]
        if days < 0:
            # Attendance taken on the day (written directly: the service refuses days still to come,
            # and the anchor may lie ahead of the real clock).
            came = [r.pk for r in registrations if rng.random() < 0.8]
            EventRegistration.objects.filter(pk__in=came).update(present=True)
            EventRegistration.objects.filter(event=event).exclude(pk__in=came).update(present=False)
