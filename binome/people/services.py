"""Every write to a person's data goes through here and names who acted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.audit import audit
from binome.lib.bulk import insert_rows
from binome.people.accounts import adopt_real_address
from binome.people.models import MenteeProfile, MentorProfile, Person, PersonLanguage
from binome.reference.models import Occupation

MAX_TARGET_OCCUPATIONS = 3


def _changed_fields(instance: Any, values: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def create_person(*, actor: Actor, **fields: Any) -> Person:
    person = Person(updated_by=signed_in(actor), **fields)
    person.full_clean()
    person.save()
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=person)
    return person


@transaction.atomic
def create_people(
    people: Sequence[Mapping[str, Any]], *, actor: Actor, details: Mapping[str, Any] | None = None
) -> list[int]:
    """`create_person` for many people at once (an import); returns their ids, in order.

    `people` are field values keyed by attname (`territory_id`), checked already: the importer
    checks every cell against the same rules, and `full_clean` would cost a query per foreign key
    and per person. `details` go on each person's "created" line in the audit trail.
    """
    user = signed_in(actor)
    ids = insert_rows(
        Person,
        [
            {
                **fields,
                "name_key": Person.name_key_for(fields["first_name"], fields["last_name"]),  # what save() keeps
                "updated_by_id": user.pk if user else None,
            }
            for fields in people
        ],
        returning=True,
    )
    audit.record_many(
        actor=actor, entries=[audit.Entry(audit.Verb.CREATED, Person, pk, dict(details or {})) for pk in ids]
    )
    return ids


@transaction.atomic
def set_languages(person: Person, levels: Mapping[str, str], *, actor: Actor) -> None:
    """Replace a person's languages with `levels` ({language code: CEFR level})."""
    current = {pl.language_id: pl.level for pl in person.languages.all()}
    if current == dict(levels):
        return
    person.languages.all().delete()
    PersonLanguage.objects.bulk_create(
        [PersonLanguage(person=person, language_id=code, level=level) for code, level in levels.items()]
    )
    audit.record(actor=actor, verb=audit.Verb.UPDATED, target=person, fields=["languages"])


@transaction.atomic
def add_languages(people: Sequence[tuple[int, Mapping[str, str]]], *, actor: Actor) -> None:
    """`set_languages` for many people who have none yet (just created): (person id, levels) pairs."""
    insert_rows(
        PersonLanguage,
        [
            {"person_id": person_id, "language_id": code, "level": level}
            for person_id, levels in people
            for code, level in levels.items()
        ],
    )
    audit.record_many(
        actor=actor,
        entries=[
            audit.Entry(audit.Verb.UPDATED, Person, person_id, {"fields": ["languages"]})
            for person_id, levels in people
            if levels
        ],
    )


def _set_targets(profile: MenteeProfile, codes: Iterable[str]) -> bool:
    codes = list(dict.fromkeys(c for c in codes if c))
    if not 1 <= len(codes) <= MAX_TARGET_OCCUPATIONS:
        raise ValidationError(_("Choose between one and three target occupations."))
    found = set(Occupation.objects.filter(code__in=codes).values_list("code", flat=True))
    if missing := [c for c in codes if c not in found]:
        raise ValidationError(_("Unknown ROME code: %(codes)s.") % {"codes": ", ".join(missing)})
    before = set(profile.target_occupations.values_list("code", flat=True))
    profile.target_occupations.set(Occupation.objects.filter(code__in=codes))
    return before != set(codes)


@transaction.atomic
def create_mentee_profile(person: Person, *, actor: Actor, targets: Iterable[str], **fields: Any) -> MenteeProfile:
    profile = MenteeProfile(person=person, **fields)
    profile.full_clean()
    profile.save()
    _set_targets(profile, targets)
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=profile)
    return profile


class NewMenteeProfile(NamedTuple):
    """One profile for `create_mentee_profiles`: what `create_mentee_profile` takes."""

    person_id: int
    fields: Mapping[str, Any]  # keyed by attname (`home_id`)
    targets: Sequence[str]


@transaction.atomic
def create_mentee_profiles(profiles: Sequence[NewMenteeProfile], *, actor: Actor) -> list[int]:
    """`create_mentee_profile` for many people at once (an import), with values checked already:
    known ROME codes, at most three (an import may leave them to the interview). Returns the ids."""
    ids = insert_rows(MenteeProfile, [{**new.fields, "person_id": new.person_id} for new in profiles], returning=True)
    insert_rows(
        MenteeProfile.target_occupations.through,
        [
            {"menteeprofile_id": pk, "occupation_id": code}
            for pk, new in zip(ids, profiles, strict=True)
            for code in dict.fromkeys(new.targets)
        ],
    )
    audit.record_many(actor=actor, entries=[audit.Entry(audit.Verb.CREATED, MenteeProfile, pk) for pk in ids])
    return ids


@transaction.atomic
def create_mentor_profile(person: Person, *, actor: Actor, **fields: Any) -> MentorProfile:
    profile = MentorProfile(person=person, **fields)
    profile.full_clean()
    profile.save()
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=profile)
    return profile


@transaction.atomic
def update_mentee_file(
    person: Person,
    *,
    actor: Actor,
    person_fields: Mapping[str, Any],
    profile_fields: Mapping[str, Any],
    targets: Iterable[str],
) -> list[str]:
    """Apply a staff edit of a mentee's file; returns the names of the fields that changed.

    The audit entry lists field names only: the values are personal data and stay in the file.
    """
    profile = person.mentee_profile
    changed = _changed_fields(person, person_fields) + _changed_fields(profile, profile_fields)
    if _set_targets(profile, targets):
        changed.append("target_occupations")
    if not changed:
        return []
    person.updated_by = actor
    person.full_clean()
    profile.full_clean()
    person.save()
    profile.save()
    audit.record(actor=actor, verb=audit.Verb.UPDATED, target=person, fields=changed)
    if "email" in changed:
        # An account made without email takes the new address: sign-in and password reset reach her.
        adopt_real_address(person, actor=actor)
    return changed
