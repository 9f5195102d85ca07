"""Demo mentor enrolment and training: a link per company, training sessions and attendance
that agree with each mentor's training status, one upcoming session per territory, waivers.

Runs after the accounts exist and before matching. It never changes whether a mentor is
matchable (trained or waived stay so; not-yet-trained stay not matchable), so the duos the
seed formed earlier stay valid. Written directly (no registration emails from a seed).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from binome.accounts.models import Role
from binome.organisations.models import Organisation
from binome.people.models import MentorProfile
from binome.sourcing.models import MentorInvitation, TrainingAttendance, TrainingSession
from binome.territories.models import Territory

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder

PARIS_TZ = ZoneInfo("Europe/Paris")
T = MentorProfile.Training
# One past session every six weeks over the trained mentors' range (20–300 days ago).
PAST_SESSION_OFFSETS = [-294, -252, -210, -168, -126, -84, -42, -21]
PLACES = {
    "paris": "Maison des associations, Paris 11e",
    "lyon": "Hôtel de ville de Lyon, salle Molière",
    "tours": "Espace Jean Jaurès, Tours",
}
WAIVER_REASONS = [
    "A déjà suivi la formation de mentor de Kodiko en 2025.",
    "Formatrice interculturelle de métier : la formation fait doublon.",
    "Mentor dans un programme équivalent (DUO for a JOB) l'an dernier.",
]


def _season(day: date) -> str:
    return ("Printemps" if 3 <= day.month <= 8 else "Automne") + f" {day.year}"


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS_TZ)


def seed_enrolment(seeder: DemoSeeder) -> None:
    anchor = seeder.anchor
    mentors = list(MentorProfile.objects.select_related("person", "company").order_by("pk"))
    demo_mentor = MentorProfile.objects.get(
        person__roles__user__email="mentor@demo.binome.fr", person__roles__kind=Role.Kind.MENTOR
    )

    # The demo mentor is trained (not merely exempted): their portal shows a training date.
    if demo_mentor.training_status != T.COMPLETED:
        demo_mentor.training_status = T.COMPLETED
        demo_mentor.training_waiver_reason = ""
        demo_mentor.trained_on = anchor - timedelta(days=60)
        demo_mentor.save(update_fields=["training_status", "training_waiver_reason", "trained_on"])
        mentors = [demo_mentor if m.pk == demo_mentor.pk else m for m in mentors]

    _invitations(seeder, mentors, anchor)
    for territory in Territory.objects.order_by("pk"):
        local = [m for m in mentors if m.person.territory_id == territory.pk]
        _past_sessions(seeder, territory, local, anchor)
        _upcoming_session(seeder, territory, local, anchor)
    _waivers(seeder, mentors)


def _invitations(seeder: DemoSeeder, mentors: list[MentorProfile], anchor: date) -> None:
    contacts = {
        role.organisation_id: role.user
        for role in Role.objects.filter(kind=Role.Kind.COMPANY_CONTACT).select_related("user")
    }
    for company in Organisation.objects.filter(kind=Organisation.Kind.COMPANY).order_by("pk"):
        employees = [m for m in mentors if m.company_id == company.pk]
        previous = MentorInvitation.objects.create(
            company=company,
            label=_season(anchor - timedelta(days=200)),
            valid_from=anchor - timedelta(days=320),
            valid_until=anchor - timedelta(days=140),
            created_by=contacts.get(company.pk),
        )
        current = MentorInvitation.objects.create(
            company=company,
            label=_season(anchor),
            valid_from=anchor - timedelta(days=45),
            valid_until=anchor + timedelta(days=75),
            created_by=contacts.get(company.pk),
        )
        # Not-yet-trained employees mostly came through the current link, the others earlier.
        recent = [m for m in employees if m.training_status in {T.NOT_STARTED, T.SCHEDULED}]
        earlier = [m for m in employees if m not in recent]
        recent += seeder.rng.sample(earlier, min(len(earlier), seeder.rng.randint(1, 3)))
        for link, people, window in ((current, recent, 44), (previous, [m for m in employees if m not in recent], 170)):
            for mentor in people:
                mentor.enrolled_at = _at(link.valid_from + timedelta(days=seeder.rng.randint(0, window)), 12)
                mentor.save(update_fields=["enrolled_at"])
            link.enrolled.add(*people)


def _past_sessions(seeder: DemoSeeder, territory: Territory, local: list[MentorProfile], anchor: date) -> None:
    trained = [m for m in local if m.training_status == T.COMPLETED]
    if not trained:
        return
    days = [anchor + timedelta(days=offset) for offset in PAST_SESSION_OFFSETS]
    # Each trained mentor attended the session closest to (and not after) the day on record.
    plan: dict[date, list[MentorProfile]] = {day: [] for day in days}
    for mentor in trained:
        on = mentor.trained_on or days[-1]
        day = max((d for d in days if d <= on), default=days[0])
        plan[day].append(mentor)
    never_came = [m for m in local if m.training_status == T.NOT_STARTED]
    for day, attendees in plan.items():
        if not attendees:
            continue
        absent = seeder.rng.sample(never_came, min(len(never_came), seeder.rng.randint(0, 2)))
        session = TrainingSession.objects.create(
            territory=territory,
            starts_at=_at(day),
            place=PLACES.get(territory.slug, f"{territory.name}, salle du conseil"),
            capacity=max(20, len(attendees) + len(absent)),
            facilitator=seeder.rng.choice(["Kodiko Formation", "Équipe Binôme", "Amandine Roux"]),
        )
        TrainingAttendance.objects.bulk_create(
            [TrainingAttendance(session=session, mentor=m, present=True) for m in attendees]
            + [TrainingAttendance(session=session, mentor=m, present=False) for m in absent]
        )
        for mentor in attendees:
            if mentor.trained_on != day:
                mentor.trained_on = day
                mentor.save(update_fields=["trained_on"])


def _upcoming_session(seeder: DemoSeeder, territory: Territory, local: list[MentorProfile], anchor: date) -> None:
    scheduled = [m for m in local if m.training_status == T.SCHEDULED]
    waiting = [m for m in local if m.training_status == T.NOT_STARTED]
    # Every territory has someone on its next list, so the attendance page has rows to tap.
    for mentor in waiting[: max(0, 2 - len(scheduled))]:
        mentor.training_status = T.SCHEDULED
        mentor.save(update_fields=["training_status"])
        scheduled.append(mentor)
    if not scheduled:
        return
    session = TrainingSession.objects.create(
        territory=territory,
        starts_at=_at(anchor + timedelta(days=seeder.rng.randint(8, 20))),
        place=PLACES.get(territory.slug, f"{territory.name}, salle du conseil"),
        capacity=max(20, len(scheduled) + 4),
        facilitator="Équipe Binôme",
    )
    TrainingAttendance.objects.bulk_create([TrainingAttendance(session=session, mentor=m) for m in scheduled])


def _waivers(seeder: DemoSeeder, mentors: list[MentorProfile]) -> None:
    waived = [m for m in mentors if m.training_status == T.WAIVED]
    if len(waived) < 2:  # the draw gave too few: exempt a couple of mentors still waiting
        waiting = [m for m in mentors if m.training_status == T.NOT_STARTED]
        for mentor in seeder.rng.sample(waiting, min(len(waiting), 2 - len(waived))):
            mentor.training_status = T.WAIVED
            mentor.save(update_fields=["training_status"])
            waived.append(mentor)
    for mentor in waived:
        mentor.training_waiver_reason = seeder.rng.choice(WAIVER_REASONS)
        mentor.save(update_fields=["training_waiver_reason"])
