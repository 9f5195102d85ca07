"""Demo duplicates to merge: the same refugee referred by two partners, or applying and referred.

Rather than adding people (the demo promises 200 referred refugees), a few existing files are
rewritten to be the same person as another file: their own referral (by another partner, or
through the public form) stays, and their identity becomes a plain variation of the original's
(name order, capitals, accents, phone written another way). Deterministic: files are picked by id.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from binome.audit import audit
from binome.pairing.models import Duo
from binome.people.models import Person
from binome.sourcing.models import Referral

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder


@dataclass(frozen=True)
class Variant:
    territory: str
    original_partner: str | None  # the original's referring partner (None: any)
    duplicate_partner: str | None  # None: the duplicate applied through the public form
    swap_names: bool = False
    strip_accents: bool = False
    phone_format: str = ""  # "international", "compact" or "" (no phone)
    email_case: bool = False  # keep the email, in capitals
    keep_birth_date: bool = True
    referrer: str = ""


VARIANTS = [
    # Referred by two Paris partners, names typed the other way round, phone in international format.
    Variant("paris", "paris-ngo", "solidarite-refugies-93", swap_names=True,
            phone_format="international", referrer="Inès Moreau"),
    # Applied through the public form after being referred: same email in capitals, no accents.
    Variant("paris", "maison-des-langues", None, strip_accents=True, email_case=True),
    # Referred by two Lyon partners, with the same name and birth date.
    Variant("lyon", None, "forum-asile-lyon", referrer="Karim Benali"),
    # Tours: recognised by the phone number alone (written without spaces), birth date unknown.
    Variant("tours", None, "accueil-touraine", phone_format="compact",
            keep_birth_date=False, referrer="Claire Petit"),
]  # fmt: skip


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _phone(phone: str, style: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if not digits or not style:
        return ""
    if style == "international" and digits.startswith("0"):
        return "+33 " + digits[1:2] + " " + " ".join(digits[i : i + 2] for i in range(2, 10, 2))
    return digits


def _candidates(territory: str, taken: set[int]) -> QuerySet[Person]:
    in_duo = Duo.objects.filter(status=Duo.Status.ACTIVE).values("mentee__person_id")
    return (
        Person.objects.filter(territory__slug=territory, mentee_profile__isnull=False)
        .exclude(pk__in=in_duo)
        .exclude(pk__in=taken)
        .order_by("pk")
    )


def _original(variant: Variant, taken: set[int]) -> Person | None:
    people = _candidates(variant.territory, taken).exclude(phone="").exclude(date_of_birth=None)
    people = people.filter(referrals__partner__isnull=False)
    if variant.original_partner:
        preferred = people.filter(referrals__partner__slug=variant.original_partner).first()
        if preferred is not None:
            return preferred
    if variant.duplicate_partner:
        people = people.exclude(referrals__partner__slug=variant.duplicate_partner)
    return people.first()


def _host(variant: Variant, taken: set[int]) -> Person | None:
    """The file that becomes the duplicate: referred by the other partner, or a public applicant."""
    people = _candidates(variant.territory, taken)
    if variant.duplicate_partner:
        return people.filter(referrals__partner__slug=variant.duplicate_partner).first()
    return people.filter(referrals__source=Referral.Source.PUBLIC_FORM).first()


def seed_duplicates(seeder: DemoSeeder) -> int:
    """Turn a few files into duplicates of others; returns how many pairs."""
    taken: set[int] = set()
    pairs = 0
    for variant in VARIANTS:
        original = _original(variant, taken)
        if original is None:
            continue
        taken.add(original.pk)
        host = _host(variant, taken)
        if host is None:
            continue
        taken.add(host.pk)
        first, last = original.first_name, original.last_name.upper()
        if variant.swap_names:
            first, last = last, first
        if variant.strip_accents:
            first, last = _plain(first), _plain(last)
        host.first_name, host.last_name = first, last
        host.gender = original.gender
        host.country_of_origin = original.country_of_origin
        host.email = original.email.upper() if variant.email_case else ""
        host.phone = _phone(original.phone, variant.phone_format)
        host.date_of_birth = original.date_of_birth if variant.keep_birth_date else None
        host.save()  # recomputes the name key
        audit.record(actor=None, verb=audit.Verb.UPDATED, target=host, fields=["demo duplicate"])
        referral = host.referrals.order_by("pk").first()
        if referral is not None and variant.referrer and referral.partner_id is not None:
            referral.referrer_name = variant.referrer
            referral.save(update_fields=["referrer_name"])
        pairs += 1
    return pairs
