"""Demo sourcing: the consent text, each referral's consent and screening history, the national
eligibility rules, a few public applications and a couple of files that fail a rule.

Runs after the mentees, cohorts and accounts exist, and before matching (which adds its own
"enrolled" and "matched" steps through the real services). Uses the seeder's rng only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from binome.accounts.models import Role
from binome.operations.demo import data
from binome.people.models import MenteeProfile
from binome.reference.models import Occupation
from binome.sourcing.eligibility import precheck
from binome.sourcing.models import Consent, ConsentText, EligibilityRules, Referral, ReferralTransition
from binome.sourcing.services import submit_referral
from binome.territories.models import Territory

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder

S = Referral.Status
PARIS_TZ = ZoneInfo("Europe/Paris")

CONSENT_FR = (
    "J'accepte que le programme Binôme et ses partenaires conservent les informations de ce formulaire "
    "pour étudier ma candidature, me proposer un ou une mentor et suivre mon parcours pendant le programme. "
    "Je peux à tout moment consulter, corriger ou faire effacer mes données, et retirer mon accord, en "
    "écrivant à l'équipe du programme."
)
CONSENT_EN = (
    "I agree that the Binôme programme and its partners keep the information in this form to study my "
    "application, propose a mentor to me and follow my progress during the programme. I can at any time "
    "see, correct or erase my data, and withdraw my agreement, by writing to the programme team."
)
CONSENT_AR = (
    "أوافق على أن يحتفظ برنامج بينوم وشركاؤه بالمعلومات الواردة في هذا النموذج لدراسة طلبي واقتراح مرشد "
    "أو مرشدة لي ومتابعة مساري خلال البرنامج. يمكنني في أي وقت الاطلاع على بياناتي أو تصحيحها أو حذفها، "
    "وسحب موافقتي، بالكتابة إلى فريق البرنامج."
)

NATIONAL_DEFAULT: dict[str, Any] = {
    "protection_statuses": ["refugee", "subsidiary", "temporary", "stateless"],
    "require_right_to_work": True,
    "min_age": 18,
    "max_age": None,
    "min_french_level": "A2",
    "max_distance_km": None,
    "require_six_month_availability": True,
    "require_target_occupation": True,
}

# The usual road to each status, from "received". The last step is the referral's current status.
PATHS: dict[str, list[str]] = {
    S.RECEIVED: [],
    S.CONTACTED: [S.CONTACTED],
    S.INTERVIEW_SCHEDULED: [S.CONTACTED, S.INTERVIEW_SCHEDULED],
    S.INTERVIEWED: [S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED],
    S.ELIGIBLE: [S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.ELIGIBLE],
    S.INELIGIBLE: [S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.INELIGIBLE],
    S.WAITLISTED: [S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.WAITLISTED],
    S.ENROLLED: [S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.ELIGIBLE, S.ENROLLED],
    S.MATCHED: [S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.ELIGIBLE, S.ENROLLED, S.MATCHED],
    S.COMPLETED: [
        S.CONTACTED,
        S.INTERVIEW_SCHEDULED,
        S.INTERVIEWED,
        S.ELIGIBLE,
        S.ENROLLED,
        S.MATCHED,
        S.COMPLETED,
    ],
    S.LEFT: [S.CONTACTED, S.LEFT],
}
PAST_ELIGIBLE = {S.ELIGIBLE, S.ENROLLED, S.MATCHED, S.COMPLETED}
REASONS: dict[str, list[str]] = {
    S.INELIGIBLE: [
        "N'a pas encore le droit de travailler en France.",
        "Projet professionnel pas encore défini : réorienté vers un bilan de compétences.",
        "Niveau de français à consolider : orienté vers un cours intensif.",
    ],
    S.WAITLISTED: ["Pas de mentor disponible dans ce métier pour l'instant.", "Disponible à la prochaine session."],
    S.LEFT: ["A trouvé un emploi avant le début du programme.", "A déménagé dans une autre région."],
}
NOTES: dict[str, str] = {
    S.CONTACTED: "Appel téléphonique.",
    S.INTERVIEW_SCHEDULED: "Entretien fixé au local du programme.",
    S.INTERVIEWED: "Entretien réalisé.",
    S.ELIGIBLE: "Critères vérifiés à l'entretien.",
}
OVERRIDES = [
    "Suit un cours de français intensif qui se termine avant le début de la session.",
    "Récépissé de renouvellement du titre de séjour vu à l'entretien.",
    "Disponibilité confirmée par téléphone après l'entretien.",
]
PUBLIC_APPLICANTS = {"paris": 3, "lyon": 2, "tours": 1}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS_TZ)


def consent_text(anchor: date) -> ConsentText:
    """The demo's consent text, in force long before the first referral."""
    text, _created = ConsentText.objects.get_or_create(
        version="v1",
        defaults={
            "in_force_from": anchor - timedelta(days=500),
            "body_fr": CONSENT_FR,
            "body_en": CONSENT_EN,
            "body_ar": CONSENT_AR,
        },
    )
    return text


def seed_sourcing(seeder: DemoSeeder) -> None:
    rng = seeder.rng
    EligibilityRules.objects.update_or_create(territory=None, defaults=NATIONAL_DEFAULT)
    text = consent_text(seeder.anchor)
    coordinators = {
        role.territory_id: role.user
        for role in Role.objects.filter(kind=Role.Kind.COORDINATOR).select_related("user").order_by("pk")
    }
    referrers = {
        role.organisation_id: role.user
        for role in Role.objects.filter(kind=Role.Kind.REFERRER).select_related("user").order_by("pk")
    }
    referrals = list(
        Referral.objects.select_related("person__territory__centre", "person__mentee_profile__home", "partner")
        .prefetch_related("person__mentee_profile__target_occupations", "transitions")
        .order_by("pk")
    )
    _availability(referrals, rng)
    # submit_referral recorded each consent; say how it was given and who recorded it.
    consents = {c.person_id: c for c in Consent.objects.filter(text=text).order_by("pk")}
    transitions = []
    for referral in referrals:
        referrer = referrers.get(referral.partner_id)
        if referrer is not None:
            referral.referrer_name = "Farah Benali"
            referral.referrer_email = referrer.email
        consent = consents[referral.person_id]
        consent.method = rng.choice([Consent.Method.SIGNED_FORM, Consent.Method.ORAL_VIA_PARTNER])
        consent.recorded_by = referrer
        consent.recorded_at = referral.referred_at
        transitions += _history(referral, coordinators.get(referral.person.territory_id), rng)
    Consent.objects.bulk_update(consents.values(), ["method", "recorded_by", "recorded_at"], batch_size=200)
    # The steps the services recorded are written again after the ones before them: a history
    # reads in (at, pk) order, and a matched date can tie with the steps that lead to it.
    ReferralTransition.objects.filter(pk__in=[t.pk for t in transitions if t.pk is not None]).delete()
    for transition in transitions:
        transition.pk = None
        transition.digested_on = transition.at.date()  # the demo's past: its referrers were told then
    ReferralTransition.objects.bulk_create(transitions)
    Referral.objects.bulk_update(
        referrals,
        ["referrer_name", "referrer_email", "status_reason", "precheck_override", "status_changed_at"],
        batch_size=200,
    )
    _fail_a_rule(referrals, rng)
    _public_applications(seeder, text)


def _availability(referrals: list[Referral], rng: Any) -> None:
    """Everyone past the interview was asked about the six months; earlier, some were."""
    profiles = []
    for referral in referrals:
        profile = referral.person.mentee_profile
        if referral.status in PAST_ELIGIBLE or referral.status == S.WAITLISTED:
            profile.available_six_months = True
        elif referral.status in {S.INTERVIEWED, S.INELIGIBLE}:
            profile.available_six_months = rng.random() < 0.9
        else:
            profile.available_six_months = True if rng.random() < 0.4 else None
        profiles.append(profile)
    MenteeProfile.objects.bulk_update(profiles, ["available_six_months"], batch_size=200)


def _history(referral: Referral, coordinator: Any, rng: Any) -> list[ReferralTransition]:
    """Transitions from "received" (written by submit_referral) to the current status, spread
    between the two dates. The steps the services recorded (a duo's "matched" and "completed")
    are returned among them, with their dates set."""
    steps = PATHS[referral.status]
    recorded = {t.to_status: t for t in referral.transitions.all() if t.from_status}
    start, end = referral.referred_at, max(referral.status_changed_at, referral.referred_at)
    referral.status_changed_at = end  # the seed's matched dates can precede the referral: keep them in order
    rows = []
    previous: str = S.RECEIVED
    for index, step in enumerate(steps, start=1):
        at = end if index == len(steps) else start + (end - start) * index / len(steps)
        if step in recorded:
            recorded[step].at = at
            rows.append(recorded[step])
            previous = step
            continue
        note = NOTES.get(step, "")
        if step in REASONS:
            note = rng.choice(REASONS[step])
            referral.status_reason = note
        if step == S.ELIGIBLE and precheck(referral, today=at.date()).failed:
            # A coordinator made this person eligible against the pre-check: say why, as the rule requires.
            referral.precheck_override = rng.choice(OVERRIDES)
            note = f"{note}\nPré-contrôle outrepassé : {referral.precheck_override}"
        system = step in {S.MATCHED, S.COMPLETED}
        rows.append(
            ReferralTransition(
                referral=referral,
                from_status=previous,
                to_status=step,
                at=at,
                actor=None if system else coordinator,
                note=note,
            )
        )
        previous = step
    return rows


def _fail_a_rule(referrals: list[Referral], rng: Any) -> None:
    """Two Paris files waiting for a decision that the pre-check flags, so the demo shows why."""
    waiting = [r for r in referrals if r.person.territory.slug == "paris" and r.status == S.INTERVIEWED]
    for referral, change in zip(
        rng.sample(waiting, min(2, len(waiting))), ["right_to_work", "six_months"], strict=False
    ):
        profile = referral.person.mentee_profile
        if change == "right_to_work":
            profile.right_to_work = False
        else:
            profile.available_six_months = False
        profile.save(update_fields=["right_to_work", "available_six_months"])


def _public_applications(seeder: DemoSeeder, text: ConsentText) -> None:
    rng, anchor = seeder.rng, seeder.anchor
    origins = data.ORIGINS
    weights = [o[1] for o in origins]
    for slug, count in PUBLIC_APPLICANTS.items():
        territory = Territory.objects.get(slug=slug)
        for _ in range(count):
            country, _w, women, men, surnames, _languages = rng.choices(origins, weights=weights, k=1)[0]
            gender = rng.choice(["female", "male"])
            first = rng.choice(women if gender == "female" else men)
            last = rng.choice(surnames)
            applied = anchor - timedelta(days=rng.randint(1, 20))
            french = rng.choice(["A2", "B1", "B2"])
            referral = submit_referral(
                actor=None,
                partner=None,
                territory=territory,
                source=Referral.Source.PUBLIC_FORM,
                person_fields={
                    "first_name": first,
                    "last_name": last,
                    "gender": gender,
                    "phone": seeder._phone(),
                    "email": seeder._email(first, last, "mail.example.org") if rng.random() < 0.5 else "",
                    "country_of_origin": country,
                    "date_of_birth": anchor - timedelta(days=365 * rng.randint(20, 45) + rng.randint(0, 364)),
                },
                profile_fields={
                    "protection_status": rng.choice(["refugee", "subsidiary"]),
                    "right_to_work": True,
                    "french_level": french,
                    "home": seeder._pick_place(seeder.places[slug]),
                    "available_six_months": True,
                },
                targets=[Occupation.objects.get(code=rng.choice(data.COMMON_TARGETS)).code],
                languages={"fr": french},
                consent_text=text,
                consent_given_on=applied,
                consent_method=Consent.Method.ONLINE_FORM,
            )
            # Dated from the anchor, not the clock, so the same seed gives the same data.
            Referral.objects.filter(pk=referral.pk).update(referred_at=_at(applied), status_changed_at=_at(applied))
            referral.transitions.update(at=_at(applied))
            Consent.objects.filter(person=referral.person).update(recorded_at=_at(applied))
