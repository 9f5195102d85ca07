"""Merging two files of the same person: one is kept, the other's history moves onto it.

Nothing of the merged file's history is lost: its referrals (both referrers), consents,
languages, roles and anything else that points at it move to the kept file; empty fields of
the kept file are filled from the other; two referrals by the same partner are linked with
`Referral.merged_into` rather than one being dropped. The merged person is then deleted, and
the audit trail names both ids and who merged them (earlier audit rows keep the old id).

It sits in privacy, with erasure and export, above the domains: like them it rewrites every record
that points at a person, duos included (README, "Layers").
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.accounts.models import Role
from binome.audit import audit
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile, MentorProfile, Person, PersonLanguage
from binome.sourcing.models import Referral

PERSON_FIELDS = ("email", "phone", "gender", "date_of_birth", "country_of_origin")
MENTEE_FIELDS = (
    "arrival_date",
    "home",
    "education_level",
    "work_experience",
    "availability",
    "gender_preference",
    "available_six_months",
)


def _is_empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _fill_empty(keep: models.Model, other: models.Model, names: tuple[str, ...]) -> list[str]:
    filled = []
    for name in names:
        field = keep._meta.get_field(name)
        attname = getattr(field, "attname", name)
        if _is_empty(getattr(keep, attname)) and not _is_empty(getattr(other, attname)):
            setattr(keep, attname, getattr(other, attname))
            filled.append(name)
    return filled


def _active_mentee(person: Person) -> bool:
    profile = getattr(person, "mentee_profile", None)
    return profile is not None and Duo.objects.filter(mentee=profile, status=Duo.Status.ACTIVE).exists()


def merge_refusal(keep: Person, other: Person) -> str | None:
    """Why these two files can't be merged, or None when they can."""
    if keep.pk == other.pk:
        return _("A file can't be merged with itself.")
    if keep.territory_id != other.territory_id:
        return _("These two people are in different territories: move one first.")
    if _active_mentee(keep) and _active_mentee(other):
        return _("Both people are mentees in active duos: end one of the duos first.")
    if hasattr(keep, "mentor_profile") and hasattr(other, "mentor_profile"):
        return _("Both people have a mentor profile: merge them by hand in the admin.")
    return None


def _relink(
    model_from: models.Model, model_to: models.Model, *, skip: tuple[type[models.Model], ...] = ()
) -> list[str]:
    """Point every foreign key that targets `model_from` at `model_to`; returns the relations moved.

    Generic on purpose: apps added later (meetings, surveys, matching runs) keep their rows
    through a merge without this function knowing about them. Relations without a reverse
    name ("+") are included: they would otherwise be cascade-deleted with the merged file."""
    moved = []
    for relation in model_from._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.one_to_many):
            continue
        related_model = relation.related_model
        assert isinstance(related_model, type)
        if issubclass(related_model, skip):
            continue
        field_name = relation.field.name  # type: ignore[union-attr]
        queryset = related_model._default_manager.filter(**{field_name: model_from})
        if queryset.exists():
            try:
                with transaction.atomic():
                    queryset.update(**{field_name: model_to})
            except IntegrityError as error:
                raise ValidationError(
                    _("Merging would break a rule of the %(model)s records; merge by hand.")
                    % {"model": related_model._meta.verbose_name}
                ) from error
            moved.append(f"{related_model._meta.label_lower}.{field_name}")
    return moved


def _merge_mentee_profiles(keep: Person, other: Person) -> list[str]:
    other_profile: MenteeProfile | None = getattr(other, "mentee_profile", None)
    if other_profile is None:
        return []
    keep_profile: MenteeProfile | None = getattr(keep, "mentee_profile", None)
    if keep_profile is None:
        other_profile.person = keep
        other_profile.save(update_fields=["person"])
        keep.mentee_profile = other_profile
        return ["mentee_profile"]
    filled = _fill_empty(keep_profile, other_profile, MENTEE_FIELDS)
    if not keep_profile.target_occupations.exists() and other_profile.target_occupations.exists():
        keep_profile.target_occupations.set(other_profile.target_occupations.all())
        filled.append("target_occupations")
    if filled:
        keep_profile.save()
    moved = _relink(other_profile, keep_profile, skip=(MenteeProfile.target_occupations.through,))
    other_profile.delete()
    return [f"mentee_profile.{name}" for name in filled] + moved


def _merge_mentor_profiles(keep: Person, other: Person) -> list[str]:
    other_profile: MentorProfile | None = getattr(other, "mentor_profile", None)
    if other_profile is None:
        return []
    other_profile.person = keep  # merge_refusal ensured keep has none
    other_profile.save(update_fields=["person"])
    return ["mentor_profile"]


def _merge_languages(keep: Person, other: Person) -> list[str]:
    known = set(keep.languages.values_list("language_id", flat=True))
    moving = other.languages.exclude(language_id__in=known)
    if not moving.exists():
        return []
    moving.update(person=keep)
    return ["languages"]


def _merge_referrals(keep: Person, other: Person) -> None:
    """Move the other's referrals; a second referral by the same partner points at the first."""
    first_by_partner: dict[int | None, Referral] = {}
    for referral in keep.referrals.order_by("referred_at", "pk"):
        if referral.merged_into_id is None:
            first_by_partner.setdefault(referral.partner_id, referral)
    for referral in other.referrals.order_by("referred_at", "pk"):
        referral.person = keep
        update = ["person"]
        earlier = first_by_partner.get(referral.partner_id)
        if earlier is not None and referral.merged_into_id is None:
            referral.merged_into = earlier
            update.append("merged_into")
        elif referral.merged_into_id is None:
            first_by_partner[referral.partner_id] = referral
        referral.save(update_fields=update)


@transaction.atomic
def merge_people(keep: Person, other: Person, *, actor: Actor) -> Person:
    """Merge `other` into `keep` and delete `other`. Refuses with a ValidationError when unsafe."""
    # Lock both rows, and re-read them so a second click on "merge" finds the other gone.
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, other.pk])}
    if other.pk not in locked or keep.pk not in locked:
        raise ValidationError(_("This file was already merged or deleted."))
    keep, other = locked[keep.pk], locked[other.pk]
    if refusal := merge_refusal(keep, other):
        raise ValidationError(refusal)
    other_id = other.pk
    changed = _fill_empty(keep, other, PERSON_FIELDS)
    if changed:
        keep.updated_by = signed_in(actor)
        keep.save()
    changed += _merge_mentee_profiles(keep, other)
    changed += _merge_mentor_profiles(keep, other)
    changed += _merge_languages(keep, other)
    _merge_referrals(keep, other)
    # Roles of a user account (a mentee's login) would be lost with the person: move them too,
    # unless the same user already holds the same role on the kept file.
    for role in other.roles.all():
        if keep.roles.filter(user_id=role.user_id, kind=role.kind).exists():
            role.delete()
        else:
            role.person = keep
            role.save(update_fields=["person"])
    moved = _relink(other, keep, skip=(Referral, PersonLanguage, Role))
    audit.record(
        actor=actor,
        verb=audit.Verb.MERGED,
        target=keep,
        kept_person_id=keep.pk,
        merged_person_id=other_id,
        fields=sorted(set(changed + moved)),
    )
    audit.record(
        actor=actor, verb=audit.Verb.MERGED_INTO, target=other, kept_person_id=keep.pk, merged_person_id=other_id
    )
    PersonLanguage.objects.filter(person=other).delete()  # the kept file already had these languages
    other.delete()
    return keep
