"""Erasure (GDPR art. 17) by anonymisation: the person's identity, contact details, free texts and
encrypted fields go; their duos, meetings, attendance and outcomes stay as countable rows, so every
aggregate is unchanged; the audit trail stays as it is (it holds ids only) and the person's row now
shows a pseudonym. Erasing twice changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from binome.people.models import Person
from binome.privacy import audit
from binome.privacy.models import Erasure

SCRUBBED_SNAPSHOT_KEYS = ("lat", "lon", "gender", "gender_preference")


def pseudonym_for(person_id: int) -> str:
    """Stable for a person, meaningless without the secret key: 'P-' and 10 hex digits."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"erasure|{person_id}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:10].upper()}"


def _model(label: str) -> Any:
    """A model of an app that may not be installed (the erasure still covers what exists)."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def is_erased(person: Person) -> bool:
    return Erasure.objects.filter(person=person).exists()


@transaction.atomic
def erase_person(person: Person, *, actor: Any, reason: str = "request") -> Erasure:
    """Anonymise one person's file. `reason`: "request" (the person asked) or a retention rule key."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    existing = Erasure.objects.filter(person=person).first()
    if existing is not None:
        return existing
    pseudonym = pseudonym_for(person.pk)
    identifiers = [v for v in (person.email, person.phone, person.first_name, person.last_name) if v and len(v) > 2]
    mentee = getattr(person, "mentee_profile", None)
    mentor = getattr(person, "mentor_profile", None)

    _scrub_people(person, pseudonym, mentee, mentor)
    duo_ids = _scrub_programme(person, mentee, mentor, pseudonym)
    _scrub_snapshots(person, mentee, mentor)
    _scrub_accounts(person, pseudonym, identifiers)
    _scrub_outside_tables(person, duo_ids, identifiers, pseudonym)

    erasure = Erasure.objects.create(person=person, pseudonym=pseudonym, actor=_user_or_none(actor), reason=reason)
    audit.record(actor=actor, verb="erased", target=person, reason=reason)
    return erasure


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _scrub_people(person: Person, pseudonym: str, mentee: Any, mentor: Any) -> None:
    from binome.people.models import PersonLanguage

    person.first_name = pseudonym
    person.last_name = ""
    person.email = ""
    person.phone = ""
    person.gender = ""
    person.date_of_birth = None
    person.country_of_origin = ""
    person.save()
    PersonLanguage.objects.filter(person=person).delete()
    if mentee is not None:
        mentee.protection_status = ""
        mentee.work_experience = ""
        mentee.arrival_date = None
        mentee.home = None
        mentee.availability = []
        mentee.gender_preference = ""
        mentee.save()
    if mentor is not None:
        mentor.job_title = ""
        mentor.training_waiver_reason = ""
        mentor.workplace = None
        mentor.availability = []
        mentor.gender_preference = ""
        mentor.save()


def _scrub_programme(person: Person, mentee: Any, mentor: Any, pseudonym: str) -> list[int]:
    from binome.meetings.models import AlertNote, Meeting, NetworkIntroduction
    from binome.pairing.models import Duo
    from binome.sourcing.models import Referral, ReferralTransition

    for referral in Referral.objects.filter(person=person):
        referral.reason = referral.status_reason = referral.precheck_override = ""
        referral.referrer_name = referral.referrer_email = referral.referrer_phone = ""
        referral.save()
    for transition in ReferralTransition.objects.filter(referral__person=person).exclude(note__isnull=True):
        if transition.note:
            transition.note = ""
            transition.save(update_fields=["note"])
    duos = Duo.objects.filter(Q(mentee__person=person) | Q(mentor__person=person))
    duo_ids = list(duos.values_list("pk", flat=True))
    Duo.objects.filter(pk__in=duo_ids).update(end_reason="", pause_reason="")
    Meeting.objects.filter(duo_id__in=duo_ids).update(note="")
    NetworkIntroduction.objects.filter(duo_id__in=duo_ids).update(contact_role="", company="")
    for note in AlertNote.objects.filter(alert__duo_id__in=duo_ids):
        if note.text:
            note.text = ""
            note.save(update_fields=["text"])
    statement_line = _model("sponsorship.StatementLine")
    if statement_line is not None and mentor is not None:
        statement_line.objects.filter(mentor=mentor).update(employee_name=pseudonym)
    return duo_ids


def _scrub_snapshots(person: Person, mentee: Any, mentor: Any) -> None:
    """Matching runs keep their shape (ids, scores) but lose the person's location and gender."""
    from binome.pairing.models import MatchRun

    sides = [("mentees", mentee), ("mentors", mentor)]
    wanted = {side: profile.pk for side, profile in sides if profile is not None}
    if not wanted:
        return
    for run in MatchRun.objects.filter(cohort__territory_id=person.territory_id).only("pk", "inputs"):
        changed = False
        for side, profile_id in wanted.items():
            for row in run.inputs.get(side, []):
                if row.get("id") == profile_id:
                    for key in SCRUBBED_SNAPSHOT_KEYS:
                        if row.get(key) is not None:
                            row[key] = None
                            changed = True
        if changed:
            run.save(update_fields=["inputs"])


def _scrub_accounts(person: Person, pseudonym: str, identifiers: list[str]) -> None:
    from binome.accounts.models import User

    users = list(User.objects.filter(roles__person=person).distinct())
    for user in users:
        old_email = user.email
        identifiers.append(old_email)
        user.email = f"{pseudonym.lower()}-{user.pk}@erased.invalid"  # one person may have several accounts
        user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        for label in ("account.EmailAddress", "mfa.Authenticator", "cohorts.CalendarFeed"):
            model = _model(label)
            if model is not None:
                model.objects.filter(user=user).delete()
        for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
            model = _model(label)
            if model is not None:
                model.objects.filter(username__iexact=old_email).delete()
        from django.contrib.admin.models import LogEntry

        LogEntry.objects.filter(user=user).update(change_message="")


def _scrub_outside_tables(person: Person, duo_ids: list[int], identifiers: list[str], pseudonym: str) -> None:
    """Copies of the person's identity outside their file: admin history, queued emails, free-text answers."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    person_type = ContentType.objects.get_for_model(Person)
    LogEntry.objects.filter(content_type=person_type, object_id=str(person.pk)).update(
        object_repr=pseudonym, change_message=""
    )
    if identifiers:
        tasks = _model("django_tasks_database.DBTaskResult")
        if tasks is not None:
            matching = [
                row.pk
                for row in tasks.objects.only("pk", "args_kwargs", "return_value")
                if any(i in str(row.args_kwargs) or i in str(row.return_value) for i in identifiers)
            ]
            tasks.objects.filter(pk__in=matching).delete()
    answer = _model("surveys.Answer")
    if answer is not None:
        for row in answer.objects.filter(response__invitation__person=person):
            if isinstance(row.value, str) and row.value:
                row.value = ""
                row.save(update_fields=["value"])
