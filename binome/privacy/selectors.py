"""Reads of the privacy area: a person's access history, the processing register."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from binome.audit.models import AuditEvent
from binome.pairing.models import Duo
from binome.people.models import Person
from binome.sourcing.models import Referral


def records_of(person: Person) -> dict[str, list[str]]:
    """The audit target keys (model label → ids) that make up one person's file."""

    keys: dict[str, list[str]] = {"people.person": [str(person.pk)]}
    profiles = {
        "people.menteeprofile": getattr(person, "mentee_profile", None),
        "people.mentorprofile": getattr(person, "mentor_profile", None),
    }
    for label, profile in profiles.items():
        if profile is not None:
            keys[label] = [str(profile.pk)]
    keys["sourcing.referral"] = [str(pk) for pk in Referral.objects.filter(person=person).values_list("pk", flat=True)]
    duos = Duo.objects.filter(Q(mentee__person=person) | Q(mentor__person=person)).values_list("pk", flat=True)
    keys["pairing.duo"] = [str(pk) for pk in duos]
    return {label: ids for label, ids in keys.items() if ids}


def access_history(person: Person) -> QuerySet[AuditEvent]:
    """Every audit event on the person's file (views, exports and writes), newest first."""
    condition = Q(pk__in=[])
    for label, ids in records_of(person).items():
        condition |= Q(target_type=label, target_id__in=ids)
    return AuditEvent.objects.filter(condition).select_related("actor").order_by("-at", "-pk")
