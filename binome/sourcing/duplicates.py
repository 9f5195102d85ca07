"""Possible duplicates: the same refugee referred twice, by two partners or by a partner and themselves.

Three keys, any of which is enough: the accent-, case- and order-free name (Person.name_key) together
with the date of birth; the phone number once reduced to its digits (French numbers written
"06 12 34 56 78", "+33 6 12 34 56 78" or "0033612345678" are one number); the email, case-insensitive.
The spreadsheet import uses the same keys to recognise a row it has already imported.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace
from django.utils import timezone

from binome.accounts.actors import Actor
from binome.audit import audit
from binome.audit.models import AuditEvent
from binome.organisations.models import Organisation
from binome.people.models import Person
from binome.territories.models import Territory

# Characters people put inside phone numbers; the database strips the same ones before comparing.
PHONE_SEPARATORS = (" ", ".", "-", "(", ")", "/", "\u00a0")
_NON_DIGITS = re.compile(r"\D")


def name_key(first_name: str, last_name: str) -> str:
    return Person.name_key_for(first_name or "", last_name or "")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def normalise_phone(phone: str) -> str:
    """A canonical international form: '+33612345678'. Empty when there are too few digits to mean
    anything (a lone '0' or a typo must not make everyone a duplicate of everyone)."""
    raw = (phone or "").strip()
    if not raw:
        return ""
    international = raw.startswith(("+", "00"))
    digits = _NON_DIGITS.sub("", raw)
    if raw.startswith("00"):
        digits = digits[2:]
    if not international:
        if len(digits) == 10 and digits.startswith("0"):
            digits = "33" + digits[1:]  # French national format
        elif len(digits) == 9 and digits[0] in "123456789":
            digits = "33" + digits  # the leading 0 lost by a spreadsheet treating the cell as a number
        elif len(digits) == 11 and digits.startswith("33"):
            pass  # "33 6 12 34 56 78": the plus sign forgotten
    elif digits.startswith("330") and len(digits) == 12:
        digits = "33" + digits[3:]  # "+33 (0)6 12 34 56 78"
    if len(digits) < 8:
        return ""
    return "+" + digits


def phone_variants(phone: str) -> list[str]:
    """The written forms, separators removed, that mean the same number as ``phone``."""
    canonical = normalise_phone(phone)
    if not canonical:
        return []
    digits = canonical[1:]
    variants = {canonical, "00" + digits, digits}
    if digits.startswith("33") and len(digits) == 11:
        national = "0" + digits[2:]
        variants |= {national, digits[2:], "+330" + digits[2:], "00330" + digits[2:]}
    return sorted(variants)


def _stripped_phone() -> Replace:
    expression: F | Replace = F("phone")
    for separator in PHONE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    return expression  # type: ignore[return-value]


def duplicate_filter(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None = None,
    phone: str = "",
    email: str = "",
) -> Q | None:
    """The Q matching people who share a key with these details, or None when no key is usable."""
    conditions: list[Q] = []
    key = name_key(first_name, last_name)
    if key and date_of_birth is not None:
        conditions.append(Q(name_key=key, date_of_birth=date_of_birth))
    variants = phone_variants(phone)
    if variants:
        conditions.append(Q(_phone_stripped__in=variants))
    email_key = normalise_email(email)
    if email_key:
        conditions.append(Q(_email_lower=email_key))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def annotate_keys(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return queryset.annotate(_phone_stripped=_stripped_phone(), _email_lower=Lower("email"))


def possible_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None = None,
    phone: str = "",
    email: str = "",
    territory: Territory | None = None,
    exclude: Iterable[int] = (),
) -> QuerySet[Person]:
    """People who may be the person described: same name and date of birth, same phone, or same email."""
    condition = duplicate_filter(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, phone=phone, email=email
    )
    if condition is None:
        return Person.objects.none()
    matching = annotate_keys(Person.objects.all()).filter(condition).values("pk")
    # A plain queryset (no annotations) so callers can chain, count or update it freely.
    queryset = Person.objects.filter(pk__in=matching)
    if territory is not None:
        queryset = queryset.filter(territory=territory)
    excluded = list(exclude)
    if excluded:
        queryset = queryset.exclude(pk__in=excluded)
    return queryset


# The referral form's "may already be known" hint (issue #15, F10). Each lookup is audited (who
# looked, for which organisation: never the details searched nor whether anything matched), and
# the audit trail counts them, so the limit holds across every web process.
HINT_VERB = audit.Verb.LOOKED_FOR_EARLIER_REFERRAL
HINT_LOOKUPS_PER_HOUR = getattr(settings, "REFERRAL_HINT_LOOKUPS_PER_HOUR", 30)


class TooManyLookups(Exception):
    """The referrer asked the hint too often within the hour."""


def referral_hint(
    *,
    actor: Actor,
    partner: Organisation,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None = None,
    phone: str = "",
    email: str = "",
) -> bool:
    """True when the referrer's own organisation already referred someone sharing a key with
    these details. Only that organisation's referrals are searched: a referrer must never learn
    that a person is known elsewhere (another partner, a public application, another city).
    Raises TooManyLookups past HINT_LOOKUPS_PER_HOUR lookups by this user in the last hour."""
    since = timezone.now() - datetime.timedelta(hours=1)
    if AuditEvent.objects.filter(actor=actor, verb=HINT_VERB, at__gte=since).count() >= HINT_LOOKUPS_PER_HOUR:
        raise TooManyLookups
    audit.record(actor=actor, verb=HINT_VERB, target=partner)
    return (
        possible_duplicates(
            first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, phone=phone, email=email
        )
        .filter(referrals__partner=partner)
        .exists()
    )


def identity_keys(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None = None,
    phone: str = "",
    email: str = "",
) -> list[tuple[str, str]]:
    """The keys as plain tuples, for matching many rows in memory (the import, the duplicates list)."""
    return keys_of(name_key(first_name, last_name), date_of_birth=date_of_birth, phone=phone, email=email)


def keys_of(key: str, *, date_of_birth: datetime.date | None, phone: str, email: str) -> list[tuple[str, str]]:
    """`identity_keys` from a name key already derived (Person.name_key, kept on every save)."""
    keys: list[tuple[str, str]] = []
    if key and date_of_birth is not None:
        keys.append(("name_dob", f"{key}|{date_of_birth.isoformat()}"))
    canonical = normalise_phone(phone)
    if canonical:
        keys.append(("phone", canonical))
    email_key = normalise_email(email)
    if email_key:
        keys.append(("email", email_key))
    return keys


@dataclass(frozen=True)
class DuplicatePair:
    first: Person
    second: Person
    reasons: tuple[str, ...]  # "name_dob", "phone", "email"; "flagged" by an import across territories


def flagged_pairs(people: QuerySet[Person]) -> dict[tuple[int, int], set[str]]:
    """Pairs an import flagged across territories (binome.sourcing.importing.service): the importer
    could not see the other file, so they are listed to whoever may see both, a national admin."""

    flagged = AuditEvent.objects.filter(verb=audit.Verb.FLAGGED_DUPLICATE, target_type="people.person").values_list(
        "target_id", "details"
    )
    candidates: dict[tuple[int, int], set[str]] = {}
    for target_id, details in flagged:
        for other in (details or {}).get("others", []):
            first, second = sorted((int(target_id), int(other)))
            candidates[(first, second)] = {"flagged"}
    if not candidates:
        return {}
    visible = set(people.filter(pk__in={pk for pair in candidates for pk in pair}).values_list("pk", flat=True))
    return {pair: kinds for pair, kinds in candidates.items() if pair[0] in visible and pair[1] in visible}


def duplicate_pairs(people: QuerySet[Person], *, limit: int = 200) -> list[DuplicatePair]:
    """Pairs of people in the same territory sharing a key, most keys first, then newest first.

    Keys are computed in Python over one narrow query: phone numbers are stored as typed, so
    the database can't group them, and a territory's few thousand people read in milliseconds.
    The name key is the stored one (deriving it again per row was most of a national dashboard)."""
    rows = people.values_list("pk", "name_key", "date_of_birth", "phone", "email", "territory_id")
    groups: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for pk, key, born, phone, email, territory_id in rows.iterator(chunk_size=5000):
        for kind, value in keys_of(key, date_of_birth=born, phone=phone, email=email):
            groups[(territory_id, kind, value)].append(pk)
    reasons: dict[tuple[int, int], set[str]] = defaultdict(set)
    for (_territory, kind, _value), pks in groups.items():
        if len(pks) < 2 or len(pks) > 20:  # a shared office phone or email is not a duplicate signal
            continue
        ordered = sorted(pks)
        for index, first_pk in enumerate(ordered):
            for second_pk in ordered[index + 1 :]:
                reasons[(first_pk, second_pk)].add(kind)
    for (first_pk, second_pk), kinds in flagged_pairs(people).items():
        reasons[(first_pk, second_pk)] |= kinds
    chosen = sorted(reasons, key=lambda pair: (-len(reasons[pair]), -pair[1]))[:limit]
    wanted = {pk for pair in chosen for pk in pair}
    loaded = Person.objects.in_bulk(wanted) if wanted else {}
    order = ("name_dob", "phone", "email", "flagged")
    return [
        DuplicatePair(loaded[a], loaded[b], tuple(k for k in order if k in reasons[(a, b)]))
        for a, b in chosen
        if a in loaded and b in loaded
    ]
