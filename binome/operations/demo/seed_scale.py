"""The demo at N times its size (`seed_demo --scale N`): Paris, the demo's big city, with N times
its mentors, mentees, duos and people waiting to be matched, for benchmarks (`python -m bench.web`)
and for trying the pages on a city of realistic size.

The extra people are drawn like the demo's own (the seeder's helpers and rng) and written through
the bulk services an import uses (`people.services.create_people`, `add_languages`,
`sourcing.services.submit_referrals`), so they leave the same audit rows and first transitions as
the demo's, at a fraction of the cost of one service call per person. They are drawn after the
demo's own mentors and mentees of each kind; the rest of the seed (duos,
screening history, matching, meetings, surveys) then works on the larger pool, with N times the
Paris duos and the Paris people ready for matching.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from binome.audit import audit
from binome.people.models import MeetingMode, MenteeProfile, MentorProfile
from binome.people.services import add_languages, create_people
from binome.reference.models import Occupation
from binome.sourcing.models import Consent, Referral, ReferralTransition
from binome.sourcing.services import NewReferral, submit_referrals

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder
    from binome.organisations.models import Organisation
    from binome.territories.models import Territory

SCALED_TERRITORY = "paris"


def more_mentors(seeder: DemoSeeder, companies: list[Organisation], per_company: dict[int, int]) -> list[MentorProfile]:
    """(scale − 1) times each Paris company's demo headcount (`per_company`: company id → headcount)."""
    from binome.operations.demo import data

    drawn: list[tuple[Organisation, dict[str, Any], dict[str, str], dict[str, Any]]] = []
    for company in companies:
        if seeder._slug(company) != SCALED_TERRITORY:
            continue
        codes = sorted(o.code for o in company.sector.occupations.all()) if company.sector else []
        codes = codes or ["M1402"]
        occupations = Occupation.objects.in_bulk(codes)
        for _ in range(per_company.get(company.pk, 0) * (seeder.scale - 1)):
            gender = seeder.rng.choice(["female", "male"])
            first = seeder.rng.choice(data.MENTOR_FIRST_NAMES[gender])
            last = seeder.rng.choice(data.MENTOR_LAST_NAMES)
            person = {
                "first_name": first,
                "last_name": last,
                "gender": gender,
                "email": seeder._email(first, last, f"{company.slug}.example.fr"),
                "phone": seeder._phone(),
                "territory_id": company.territory_id,
            }
            languages = {"fr": "native"}
            for code, level in seeder.rng.sample(data.MENTOR_EXTRA_LANGUAGES, seeder.rng.randint(1, 2)):
                languages.setdefault(code, level)
            code = seeder.rng.choice(codes)
            occupation = occupations[code]
            training = seeder.rng.choices(list(MentorProfile.Training), weights=[10, 15, 70, 5], k=1)[0]
            profile = {
                "company_id": company.pk,
                "occupation_id": occupation.code,
                "job_title": occupation.label.split(" / ")[0],
                "workplace_id": seeder._pick_place(seeder.places[SCALED_TERRITORY][:60]).pk,
                "capacity": seeder.rng.choices([1, 2], weights=[75, 25], k=1)[0],
                "meeting_mode": seeder.rng.choice(list(MeetingMode)),
                "availability": seeder._availability(),
                "training_status": training,
                "trained_on": seeder.anchor - timedelta(days=seeder.rng.randint(20, 300))
                if training == MentorProfile.Training.COMPLETED
                else None,
                "gender_preference": seeder.rng.choices(["", "female", "male"], weights=[85, 10, 5], k=1)[0],
            }
            drawn.append((company, person, languages, profile))
    if not drawn:
        return []
    person_ids = create_people([person for _c, person, _l, _p in drawn], actor=None)
    add_languages([(pk, languages) for pk, (_c, _p, languages, _f) in zip(person_ids, drawn, strict=True)], actor=None)
    # No bulk service writes mentor profiles (an import brings mentees only): the rows
    # `create_mentor_profile` would save, with its audit line each.
    created = MentorProfile.objects.bulk_create(
        [MentorProfile(person_id=pk, **profile) for pk, (_c, _p, _l, profile) in zip(person_ids, drawn, strict=True)]
    )
    audit.record_many(actor=None, entries=[audit.Entry(audit.Verb.CREATED, MentorProfile, m.pk) for m in created])
    return list(MentorProfile.objects.filter(pk__in=[m.pk for m in created]).select_related("person").order_by("pk"))


def more_mentees(
    seeder: DemoSeeder, territory: Territory, pool: list[str], partners: list[Organisation], count: int
) -> list[MenteeProfile]:
    """`count` more mentees of `territory`, each referred by one of `partners` and set at a status
    drawn from the demo's spread (seed_sourcing writes the history leading to it)."""
    from binome.operations.demo import data
    from binome.operations.demo.seed import REFERRAL_STATUSES, _at

    by_partner: dict[int, list[tuple[NewReferral, dict[str, Any]]]] = defaultdict(list)
    partner_of = {p.pk: p for p in partners}
    for _ in range(count):
        person_fields, profile_fields, targets, spoken = seeder._draw_mentee(territory, pool)
        referred = seeder.anchor - timedelta(days=seeder.rng.randint(5, 400))
        partner = seeder.rng.choice(partners)
        status = seeder.rng.choices(REFERRAL_STATUSES, weights=[12, 10, 8, 8, 30, 6, 6, 16, 4], k=1)[0]
        reason = seeder.rng.choice(data.REFERRAL_REASONS)
        changed = referred + timedelta(days=seeder.rng.randint(0, 30))
        home = profile_fields.pop("home")
        new = NewReferral(
            person_fields=person_fields,
            profile_fields={**profile_fields, "home_id": home.pk},
            targets=targets,
            languages=spoken,
            consent_given_on=referred,
            reason=reason,
        )
        by_partner[partner.pk].append((new, {"status": status, "referred": _at(referred), "changed": _at(changed)}))
    person_ids: list[int] = []
    dated: dict[int, dict[str, Any]] = {}
    for partner_id, rows in by_partner.items():
        ids = submit_referrals(
            [new for new, _d in rows],
            actor=None,
            partner=partner_of[partner_id],
            territory=territory,
            source=Referral.Source.PARTNER_PORTAL,
            consent_text=seeder.consent_text,
            consent_method=Consent.Method.SIGNED_FORM,  # seed_sourcing draws the real one
        )
        person_ids += ids
        dated.update(zip(ids, (d for _n, d in rows), strict=True))
    # Dated from the anchor, not the clock, as the demo's own referrals (DemoSeeder._refer).
    referrals = list(Referral.objects.filter(person_id__in=person_ids))
    for referral in referrals:
        values = dated[referral.person_id]
        referral.status, referral.referred_at, referral.status_changed_at = (
            values["status"],
            values["referred"],
            values["changed"],
        )
    Referral.objects.bulk_update(referrals, ["status", "referred_at", "status_changed_at"], batch_size=500)
    transitions = list(ReferralTransition.objects.filter(referral__person_id__in=person_ids).select_related("referral"))
    for transition in transitions:
        transition.at = dated[transition.referral.person_id]["referred"]
    ReferralTransition.objects.bulk_update(transitions, ["at"], batch_size=500)
    return list(MenteeProfile.objects.filter(person_id__in=person_ids).select_related("person").order_by("person_id"))
