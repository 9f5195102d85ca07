"""`seed_demo`: a deterministic, realistic demo dataset.

People, profiles, the mentees' referrals (submit_referral), the first cohorts' duos (pairing's
create_duo, which moves each referral to "matched"), matching, meetings, sponsorship and surveys
go through the real services, so they leave the same audit rows and referral transitions as the
app. Written here directly: territories, organisations, cohorts, accounts, the referrals' past
statuses and the duos' final outcomes (completed, paused, ended early); seed_sourcing writes the
screening history leading to each status in bulk and dates the steps the services recorded.

The same seed and anchor date give the same data. Dates are placed relative to the
anchor (today by default), so the demo always shows a running cohort.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from binome.accounts.models import Role, User
from binome.cohorts.models import Cohort
from binome.lib.models import OutgoingMessage
from binome.meetings import engagement
from binome.operations.demo import data, seed_scale
from binome.operations.demo.seed_duplicates import seed_duplicates
from binome.operations.demo.seed_enrolment import seed_enrolment
from binome.operations.demo.seed_impact import seed_impact
from binome.operations.demo.seed_matching import seed_matching
from binome.operations.demo.seed_meetings import seed_meetings
from binome.operations.demo.seed_programmes import seed_programmes
from binome.operations.demo.seed_relations import seed_relations
from binome.operations.demo.seed_sourcing import consent_text, seed_sourcing
from binome.operations.demo.seed_sponsorship import seed_sponsorship
from binome.operations.demo.seed_surveys import seed_surveys
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.pairing.services import create_duo
from binome.people.models import AVAILABILITY_SLOTS, MeetingMode, MenteeProfile, MentorProfile, Person
from binome.people.services import create_mentor_profile, create_person, set_languages
from binome.reference.models import Occupation, Place, Sector
from binome.sourcing.models import Consent, ConsentText, Referral
from binome.sourcing.services import move_referral, submit_referral
from binome.territories.models import Territory

PARIS_TZ = ZoneInfo("Europe/Paris")
WORK_EXPERIENCES = [
    "",
    "5 ans dans le métier visé dans le pays d'origine.",
    "Premières missions en intérim en France.",
    "Études supérieures, pas encore d'expérience en France.",
    "Commerce familial pendant 10 ans.",
]
REFERRAL_STATUSES = [
    Referral.Status.RECEIVED,
    Referral.Status.CONTACTED,
    Referral.Status.INTERVIEW_SCHEDULED,
    Referral.Status.INTERVIEWED,
    Referral.Status.ELIGIBLE,
    Referral.Status.INELIGIBLE,
    Referral.Status.WAITLISTED,
    Referral.Status.ENROLLED,
    Referral.Status.LEFT,
]


@dataclass
class SeedReport:
    territories: int = 0
    companies: int = 0
    partners: int = 0
    mentors: int = 0
    mentees: int = 0
    cohorts: int = 0
    duos: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=PARIS_TZ)


class DemoSeeder:
    def __init__(self, seed: int, anchor: date, progress: Callable[[str], None] | None = None, scale: int = 1) -> None:
        self.rng = random.Random(seed)
        self.scale = scale  # Paris at `scale` times its size (seed_scale); 1: the demo as it is
        self.anchor = anchor
        self.report = SeedReport()
        self.used_emails: set[str] = set()
        self.progress = progress or (lambda _line: None)
        self._started = monotonic()
        self._steps = 0

    def _step(self, what: str) -> None:
        """One line per part of the seed, so `make run` shows it is working (about 3 minutes in all)."""
        self._steps += 1
        self.progress(f"demo data [{self._steps}/{SEED_STEPS}, {monotonic() - self._started:.0f}s]: {what}")

    # --- helpers --------------------------------------------------------------------
    def _places_near(self, territory: Territory) -> list[Place]:
        centre = territory.centre
        box = territory.radius_km / 111
        candidates = Place.objects.filter(
            latitude__range=(centre.latitude - box, centre.latitude + box),
            longitude__range=(centre.longitude - 1.5 * box, centre.longitude + 1.5 * box),
        ).order_by("-population", "pk")
        return [p for p in candidates if p.km_to(centre) <= territory.radius_km]

    def _pick_place(self, places: list[Place]) -> Place:
        # People live mostly in the bigger towns: weight by the square root of population.
        return self.rng.choices(places, weights=[math.sqrt(p.population) for p in places], k=1)[0]

    def _email(self, first: str, last: str, domain: str) -> str:
        base = f"{first}.{last}".lower()
        for accent, plain in zip("éèêëàâîïôöûüçñ'", "eeeeaaiioouucn-", strict=True):
            base = base.replace(accent, plain)
        base = base.replace(" ", "-")
        email, n = f"{base}@{domain}", 2
        while email in self.used_emails:
            email, n = f"{base}{n}@{domain}", n + 1
        self.used_emails.add(email)
        return email

    def _phone(self) -> str:
        return "06 " + " ".join(str(self.rng.randint(10, 99)) for _ in range(4))

    @staticmethod
    def _slug(organisation: Organisation) -> str:
        assert organisation.territory is not None  # demo companies all belong to a territory
        return organisation.territory.slug

    def _availability(self) -> list[str]:
        return sorted(self.rng.sample(AVAILABILITY_SLOTS, self.rng.randint(3, 9)), key=AVAILABILITY_SLOTS.index)

    def _user(self, email: str, role: Role.Kind, **scope: object) -> User:
        user = User.objects.create_user(email=email, password=data.DEMO_PASSWORD)
        if role == Role.Kind.NATIONAL_ADMIN:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        Role.objects.create(user=user, kind=role, **scope)
        self.report.logins.append((email, str(role.label)))
        return user

    # --- the dataset ----------------------------------------------------------------
    @transaction.atomic
    def run(self) -> SeedReport:
        self._step("territories, companies and partners")
        territories = self._territories()
        companies = self._companies(territories)
        partners = self._partners(territories)
        self._step("mentors")
        mentors = self._mentors(companies)
        self.consent_text: ConsentText = consent_text(self.anchor)  # the referrals record consent to it
        self._step("mentees and their referrals")
        mentees = self._mentees(territories, partners, companies)
        self._step("cohorts, duos and accounts")
        self._cohorts_and_duos(territories, mentors, mentees)
        self._accounts(territories, companies, partners, mentors, mentees)
        self._step("screening, enrolment links and training")
        seed_sourcing(self)
        seed_enrolment(self)
        self._step("programme calendars and workshops")
        seed_programmes(self)  # cohort calendars from the default template, invitations, attendance
        # Matching goes last: it works on the pool the other parts of the seed leave behind.
        self._step("matching")
        seed_matching(self)
        self._step("meetings")
        seed_meetings(self)  # after matching: the Lyon duos come from the engine
        self._step("companies' relations, impact and sponsorship")
        seed_relations(self)  # prospects, contacts, exchanges, partner agreements, in-company events
        seed_impact(self)  # staff-recorded outcomes, before the survey answers that may disagree
        seed_sponsorship(self)  # after meetings: the approved statement freezes their hours
        self._step("surveys, alerts and duplicates")
        seed_surveys(self)  # waves, invitations and answers of the cohorts with duos
        engagement.evaluate(self.anchor)  # the poor check-ins among those answers reach the attention page
        seed_duplicates(self)  # last: duplicates of people the other parts created
        self.progress(f"demo data: done in {monotonic() - self._started:.0f}s")
        return self.report

    def _territories(self) -> dict[str, Territory]:
        territories: dict[str, Territory] = {}
        for name, slug, centre_id, radius in data.TERRITORIES:
            territories[slug] = Territory.objects.create(
                name=name,
                slug=slug,
                centre_id=centre_id,
                radius_km=radius,
                opened_on=date(2016 + 3 * len(territories), 9, 1),
            )
        self.report.territories = len(territories)
        self.places = {slug: self._places_near(t) for slug, t in territories.items()}
        return territories

    def _companies(self, territories: dict[str, Territory]) -> list[Organisation]:
        companies = [
            Organisation.objects.create(
                name=name,
                slug=slug,
                kind=Organisation.Kind.COMPANY,
                territory=territories[territory],
                sector_id=naf,
                size_band=size,
                city=territories[territory].centre,
            )
            for name, slug, territory, naf, size in data.COMPANIES
        ]
        self.report.companies = len(companies)
        return companies

    def _partners(self, territories: dict[str, Territory]) -> list[Organisation]:
        partners = [
            Organisation.objects.create(
                name=name, slug=slug, kind=kind, territory=territories[territory], city=territories[territory].centre
            )
            for name, slug, territory, kind in data.PARTNERS
        ]
        Organisation.objects.create(name=data.FUNDER[0], slug=data.FUNDER[1], kind=Organisation.Kind.FUNDER)
        self.report.partners = len(partners)
        return partners

    def _mentors(self, companies: list[Organisation]) -> list[MentorProfile]:
        sector_occupations = {
            sector.code: sorted(o.code for o in sector.occupations.all())
            for sector in Sector.objects.prefetch_related("occupations")
        }
        mentors = []
        headcounts: dict[int, int] = {}
        for company in companies:
            headcount = {"micro": 2, "sme": 4}.get(company.size_band, self.rng.randint(8, 13))
            headcounts[company.pk] = headcount
            occupations = sector_occupations.get(company.sector_id or "", []) or ["M1402"]
            for _ in range(headcount):
                gender = self.rng.choice(["female", "male"])
                first = self.rng.choice(data.MENTOR_FIRST_NAMES[gender])
                last = self.rng.choice(data.MENTOR_LAST_NAMES)
                person = create_person(
                    actor=None,
                    first_name=first,
                    last_name=last,
                    gender=gender,
                    email=self._email(first, last, f"{company.slug}.example.fr"),
                    phone=self._phone(),
                    territory=company.territory,
                )
                languages = {"fr": "native"}
                for code, level in self.rng.sample(data.MENTOR_EXTRA_LANGUAGES, self.rng.randint(1, 2)):
                    languages.setdefault(code, level)
                set_languages(person, languages, actor=None)
                occupation = Occupation.objects.get(code=self.rng.choice(occupations))
                training = self.rng.choices(list(MentorProfile.Training), weights=[10, 15, 70, 5], k=1)[0]
                mentors.append(
                    create_mentor_profile(
                        person,
                        actor=None,
                        company=company,
                        occupation=occupation,
                        job_title=occupation.label.split(" / ")[0],
                        workplace=self._pick_place(self.places[self._slug(company)][:60]),
                        capacity=self.rng.choices([1, 2], weights=[75, 25], k=1)[0],
                        meeting_mode=self.rng.choice(list(MeetingMode)),
                        availability=self._availability(),
                        training_status=training,
                        trained_on=self.anchor - timedelta(days=self.rng.randint(20, 300))
                        if training == MentorProfile.Training.COMPLETED
                        else None,
                        gender_preference=self.rng.choices(["", "female", "male"], weights=[85, 10, 5], k=1)[0],
                    )
                )
        if self.scale > 1:
            mentors += seed_scale.more_mentors(self, companies, headcounts)
        self.report.mentors = len(mentors)
        return mentors

    def _mentees(
        self, territories: dict[str, Territory], partners: list[Organisation], companies: list[Organisation]
    ) -> list[MenteeProfile]:
        company_targets: dict[str, list[str]] = {}
        for company in companies:
            company_targets.setdefault(self._slug(company), []).extend(
                sorted(company.sector.occupations.values_list("code", flat=True))[:12] if company.sector else []
            )
        partners_by_territory = {
            slug: [p for p in partners if p.territory_id == t.pk] for slug, t in territories.items()
        }
        per_territory = {"paris": 95, "lyon": 65, "tours": 40}
        mentees = []
        for slug, count in per_territory.items():
            for _ in range(count):
                pool = company_targets.get(slug) or data.COMMON_TARGETS
                profile = self._mentee(territories[slug], pool, partners_by_territory[slug])
                mentees.append(profile)
            if self.scale > 1 and slug == seed_scale.SCALED_TERRITORY:
                pool = company_targets.get(slug) or data.COMMON_TARGETS
                more = count * (self.scale - 1)
                mentees += seed_scale.more_mentees(self, territories[slug], pool, partners_by_territory[slug], more)
        self.report.mentees = len(mentees)
        return mentees

    def _mentee(self, territory: Territory, pool: list[str], partners: list[Organisation]) -> MenteeProfile:
        """A person from one of the usual countries of origin, their languages and mentee profile,
        referred by one of `partners`; `pool` holds the occupations the territory's companies offer."""
        person_fields, profile_fields, targets, spoken = self._draw_mentee(territory, pool)
        referral = self._refer(territory, partners, person_fields, profile_fields, targets, spoken)
        return referral.person.mentee_profile

    def _draw_mentee(
        self, territory: Territory, pool: list[str]
    ) -> tuple[dict[str, Any], dict[str, Any], list[str], dict[str, str]]:
        """A mentee's person fields, profile fields, target occupations and languages, not saved yet."""
        origins = data.ORIGINS
        origin = self.rng.choices(origins, weights=[o[1] for o in origins], k=1)[0]
        country, _w, women, men, surnames, languages = origin
        gender = self.rng.choices(["female", "male"], weights=[len(women), len(men) + 2], k=1)[0]
        first = self.rng.choice(women if gender == "female" else men)
        last = self.rng.choice(surnames)
        arrival = self.anchor - timedelta(days=self.rng.randint(200, 2200))
        person_fields = {
            "first_name": first,
            "last_name": last,
            "gender": gender,
            "email": self._email(first, last, "mail.example.org") if self.rng.random() < 0.85 else "",
            "phone": self._phone(),
            "country_of_origin": country,
            "date_of_birth": self.anchor - timedelta(days=365 * self.rng.randint(19, 52) + self.rng.randint(0, 364)),
        }
        french = self.rng.choices(["A1", "A2", "B1", "B2", "C1"], weights=[8, 25, 35, 22, 10], k=1)[0]
        spoken = {code: level for code, level in languages if self.rng.random() < 0.8 or level == "native"}
        spoken["fr"] = french
        status = self._protection_status(country)
        targets = {self.rng.choice(pool if self.rng.random() < 0.6 else data.COMMON_TARGETS)}
        while len(targets) < self.rng.choice([1, 2, 2, 3]):
            targets.add(self.rng.choice(data.COMMON_TARGETS))
        profile_fields = {
            "protection_status": status,
            "right_to_work": True,
            "arrival_date": arrival,
            "french_level": french,
            "home": self._pick_place(self.places[territory.slug]),
            "education_level": self.rng.choice(list(MenteeProfile.Education)),
            "work_experience": self.rng.choice(WORK_EXPERIENCES),
            "meeting_mode": self.rng.choice(list(MeetingMode)),
            "availability": self._availability(),
            "gender_preference": "female" if gender == "female" and self.rng.random() < 0.15 else "",
            "gender_preference_required": False,
        }
        return person_fields, profile_fields, sorted(targets), spoken

    def _refer(
        self,
        territory: Territory,
        partners: list[Organisation],
        person_fields: dict[str, Any],
        profile_fields: dict[str, Any],
        targets: list[str],
        languages: dict[str, str],
    ) -> Referral:
        """Submitted through the referral service, then set at a status drawn from the usual spread;
        seed_sourcing completes its consent and writes the history that leads to that status."""
        referred = self.anchor - timedelta(days=self.rng.randint(5, 400))
        partner = self.rng.choice(partners)
        status = self.rng.choices(REFERRAL_STATUSES, weights=[12, 10, 8, 8, 30, 6, 6, 16, 4], k=1)[0]
        reason = self.rng.choice(data.REFERRAL_REASONS)
        changed = referred + timedelta(days=self.rng.randint(0, 30))
        referral = submit_referral(
            actor=None,
            partner=partner,
            territory=territory,
            source=Referral.Source.PARTNER_PORTAL,
            person_fields=person_fields,
            profile_fields=profile_fields,
            targets=targets,
            languages=languages,
            consent_text=self.consent_text,
            consent_given_on=referred,
            consent_method=Consent.Method.SIGNED_FORM,  # seed_sourcing draws the real one
            reason=reason,
        )
        # Dated from the anchor, not the clock, so the same seed gives the same data.
        Referral.objects.filter(pk=referral.pk).update(
            status=status, referred_at=_at(referred), status_changed_at=_at(changed)
        )
        referral.transitions.update(at=_at(referred))
        return referral

    def _protection_status(self, country: str) -> str:
        statuses = MenteeProfile.ProtectionStatus
        if country == "UA":
            return statuses.TEMPORARY
        if country == "AF":
            return self.rng.choices(
                [statuses.REFUGEE, statuses.SUBSIDIARY, statuses.ASYLUM_SEEKER], weights=[55, 35, 10], k=1
            )[0]
        return self.rng.choices(
            [statuses.REFUGEE, statuses.SUBSIDIARY, statuses.ASYLUM_SEEKER, statuses.STATELESS],
            weights=[70, 18, 10, 2],
            k=1,
        )[0]

    def _cohorts_and_duos(
        self, territories: dict[str, Territory], mentors: list[MentorProfile], mentees: list[MenteeProfile]
    ) -> None:
        a = self.anchor
        plan = [
            # territory, name, start offset (days from anchor), status, duos to form, duo outcome
            ("paris", "Paris 2025–2026", -400, Cohort.Status.CLOSED, 10, Duo.Status.COMPLETED),
            ("paris", "Paris printemps", -150, Cohort.Status.RUNNING, 12, Duo.Status.ACTIVE),  # five months in
            ("paris", "Paris automne", 21, Cohort.Status.MATCHING, 0, None),
            # Lyon printemps is matched by the real engine at the end of the seed (seed_matching).
            ("lyon", "Lyon printemps", -60, Cohort.Status.RUNNING, 0, None),
            ("tours", "Tours hiver", 45, Cohort.Status.PLANNED, 0, None),
        ]
        busy: set[int] = set()
        load: dict[int, int] = {}
        for slug, name, offset, status, n_duos, outcome in plan:
            start = a + timedelta(days=offset)
            cohort = Cohort.objects.create(
                territory=territories[slug],
                name=name,
                starts_on=start,
                ends_on=start + timedelta(days=182),
                status=status,
            )
            self.report.cohorts += 1
            if outcome is None:
                continue
            if slug == seed_scale.SCALED_TERRITORY:
                n_duos *= self.scale
            available_mentors = [
                m
                for m in mentors
                if m.person.territory_id == territories[slug].pk and m.is_matchable and load.get(m.pk, 0) < m.capacity
            ]
            candidates = [m for m in mentees if m.person.territory_id == territories[slug].pk and m.pk not in busy]
            for mentor, mentee in zip(available_mentors, candidates[:n_duos], strict=False):
                ended = outcome == Duo.Status.COMPLETED
                self._pair(cohort, mentee, mentor, started_on=start + timedelta(days=7), completed=ended)
                busy.add(mentee.pk)
                if not ended:
                    load[mentor.pk] = load.get(mentor.pk, 0) + 1
                self.report.duos += 1
        # A few duos of the running cohorts are paused or ended early: that is real life.
        running = list(Duo.objects.filter(status=Duo.Status.ACTIVE).order_by("pk"))
        for duo in self.rng.sample(running, min(3, len(running))):
            duo.status = self.rng.choice([Duo.Status.PAUSED, Duo.Status.ENDED_EARLY])
            duo.ended_on = a - timedelta(days=5) if duo.status == Duo.Status.ENDED_EARLY else None
            duo.save(update_fields=["status", "ended_on"])

    def _pair(
        self,
        cohort: Cohort,
        mentee: MenteeProfile,
        mentor: MentorProfile,
        *,
        started_on: date,
        completed: bool = False,
        dated: bool = True,
    ) -> Duo:
        """A duo of a past or running cohort, formed through the pairing service (which moves the
        referral to "matched"; "completed" through the referral service). The referral is first put
        at "enrolled" directly, as the seed sets every past status; seed_sourcing writes the steps
        before and dates those the services recorded. `dated`: the referral's date moves to the start."""
        referral = Referral.objects.filter(person_id=mentee.person_id).latest("pk")
        changed_at = _at(started_on) if dated else referral.status_changed_at
        Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.ENROLLED)
        duo = create_duo(cohort, mentee, mentor, started_on=started_on, actor=None, accounts=False)
        if completed:
            move_referral(referral, Referral.Status.COMPLETED, actor=None, system=True)
            duo.status, duo.ended_on = Duo.Status.COMPLETED, cohort.ends_on
            duo.save(update_fields=["status", "ended_on"])
        Referral.objects.filter(pk=referral.pk).update(status_changed_at=changed_at)
        return duo

    def _accounts(
        self,
        territories: dict[str, Territory],
        companies: list[Organisation],
        partners: list[Organisation],
        mentors: list[MentorProfile],
        mentees: list[MenteeProfile],
    ) -> None:
        self._user("admin@demo.binome.fr", Role.Kind.NATIONAL_ADMIN)
        self._user("coord.paris@demo.binome.fr", Role.Kind.COORDINATOR, territory=territories["paris"])
        self._user("coord.lyon@demo.binome.fr", Role.Kind.COORDINATOR, territory=territories["lyon"])
        acme = next(c for c in companies if c.slug == "acme")
        self._user("company@demo.binome.fr", Role.Kind.COMPANY_CONTACT, organisation=acme)
        # The demo mentor and mentee form one of the running Paris duos, so both portals show it.
        duo = (
            Duo.objects.filter(cohort__name="Paris printemps", mentor__company=acme, status=Duo.Status.ACTIVE)
            .select_related("mentor__person", "mentee__person")
            .order_by("pk")
            .first()
        )
        if duo is None:  # the draw gave Acme no running duo: form one with an Acme mentor
            mentor = next(m for m in mentors if m.company_id == acme.pk and m.is_matchable)
            mentee = next(
                m for m in mentees if m.person.territory_id == territories["paris"].pk and not m.duos.exists()
            )
            cohort = Cohort.objects.get(name="Paris printemps")
            duo = self._pair(cohort, mentee, mentor, started_on=cohort.starts_on + timedelta(days=7), dated=False)
            self.report.duos += 1
        self._user("mentor@demo.binome.fr", Role.Kind.MENTOR, person=duo.mentor.person)
        self._user("mentee@demo.binome.fr", Role.Kind.MENTEE, person=duo.mentee.person)
        paris_ngo = next(p for p in partners if p.slug == "paris-ngo")
        self._user("partner@demo.binome.fr", Role.Kind.REFERRER, organisation=paris_ngo)
        self._user("funder@demo.binome.fr", Role.Kind.FUNDER)


def database_is_empty() -> bool:
    return not (Territory.objects.exists() or User.objects.exists() or Person.objects.exists())


SEED_STEPS = 10


def seed_demo(
    *,
    seed: int = 2026,
    anchor: date | None = None,
    progress: Callable[[str], None] | None = None,
    scale: int = 1,
) -> SeedReport:
    """`progress`: called with one line per step (the command prints them with `--progress`);
    `scale`: Paris at that many times its size (see seed_scale)."""
    if scale < 1:
        raise ValueError("The scale is a whole number of at least 1.")
    report = DemoSeeder(seed, anchor or date.today(), progress, scale).run()
    # The seed writes history, not news: the notifications its services queued (new duos,
    # referral status changes) would email made-up addresses on the worker's first start.
    DBTaskResult.objects.filter(status="READY").delete()
    # …and their messages would wait on the outgoing messages page forever.
    OutgoingMessage.objects.filter(sent_at__isnull=True).delete()
    return report
