"""Every write to a person's data goes through here and names who acted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from binome.audit import audit
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
def create_person(*, actor: Any, **fields: Any) -> Person:
    person = Person(updated_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
    person.full_clean()
    person.save()
    audit.record(actor=actor, verb="created", target=person)
    return person


@transaction.atomic
def set_languages(person: Person, levels: Mapping[str, str], *, actor: Any) -> None:
    """Replace a person's languages with `levels` ({language code: CEFR level})."""
    current = {pl.language_id: pl.level for pl in person.languages.all()}
    if current == dict(levels):
        return
    person.languages.all().delete()
    PersonLanguage.objects.bulk_create(
        [PersonLanguage(person=person, language_id=code, level=level) for code, level in levels.items()]
    )
    audit.record(actor=actor, verb="updated", target=person, fields=["languages"])


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
def create_mentee_profile(person: Person, *, actor: Any, targets: Iterable[str], **fields: Any) -> MenteeProfile:
    profile = MenteeProfile(person=person, **fields)
    profile.full_clean()
    profile.save()
    _set_targets(profile, targets)
    audit.record(actor=actor, verb="created", target=profile)
    return profile


@transaction.atomic
def create_mentor_profile(person: Person, *, actor: Any, **fields: Any) -> MentorProfile:
    profile = MentorProfile(person=person, **fields)
    profile.full_clean()
    profile.save()
    audit.record(actor=actor, verb="created", target=profile)
    return profile


@transaction.atomic
def update_mentee_file(
    person: Person,
    *,
    actor: Any,
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
    audit.record(actor=actor, verb="updated", target=person, fields=changed)
    return changed
