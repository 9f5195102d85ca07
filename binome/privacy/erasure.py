"""Erasure (GDPR art. 17) by anonymisation: the person's identity, contact details, free texts and
encrypted fields go; their duos, meetings, attendance and outcomes stay as countable rows, so every
aggregate is unchanged; the audit trail stays as it is (it holds ids only) and the person's row now
shows a pseudonym. Erasing twice changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.accounts.models import Role, User
from binome.audit import audit
from binome.lib.mail import send_email
from binome.lib.models import OutgoingMessage
from binome.meetings.models import AlertNote, Meeting, NetworkIntroduction
from binome.pairing.models import Duo, MatchRun
from binome.people.models import Person, PersonLanguage
from binome.privacy.models import Erasure
from binome.sourcing.models import Referral, ReferralTransition

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
def erase_person(person: Person, *, actor: Actor, reason: str = "request") -> Erasure:
    """Anonymise one person's file. `reason`: "request" (the person asked) or a retention rule key."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    existing = Erasure.objects.filter(person=person).first()
    if existing is not None:
        return existing
    pseudonym = pseudonym_for(person.pk)
    identifiers = [v for v in (person.email, person.phone, person.first_name, person.last_name) if v and len(v) > 2]
    names = (person.first_name, person.last_name)
    mentee = getattr(person, "mentee_profile", None)
    mentor = getattr(person, "mentor_profile", None)

    _scrub_people(person, pseudonym, mentee, mentor)
    duo_ids = _scrub_programme(person, mentee, mentor, pseudonym)
    _scrub_snapshots(person, mentee, mentor)
    records = _records_of(person, mentee, mentor, duo_ids)
    user_ids = _scrub_accounts(person, pseudonym, identifiers, actor=actor)
    records["accounts.User"] = user_ids
    _scrub_outside_tables(person, records, identifiers, pseudonym, user_ids, names)

    erasure = Erasure.objects.create(person=person, pseudonym=pseudonym, actor=signed_in(actor), reason=reason)
    audit.record(actor=actor, verb=audit.Verb.ERASED, target=person, reason=reason)
    return erasure


def _records_of(person: Person, mentee: Any, mentor: Any, duo_ids: list[int]) -> dict[str, list[int]]:
    """The person's rows that the admin history may name, by model label (read before any is deleted)."""

    return {
        "people.MenteeProfile": [mentee.pk] if mentee is not None else [],
        "people.MentorProfile": [mentor.pk] if mentor is not None else [],
        "accounts.Role": list(Role.objects.filter(person=person).values_list("pk", flat=True)),
        "sourcing.Referral": list(Referral.objects.filter(person=person).values_list("pk", flat=True)),
        "pairing.Duo": duo_ids,
    }


def _scrub_people(person: Person, pseudonym: str, mentee: Any, mentor: Any) -> None:

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


def _scrub_accounts(person: Person, pseudonym: str, identifiers: list[str], *, actor: Actor) -> list[int]:
    """Anonymise the accounts that exist only for this person; returns the ids of those scrubbed.

    An account that also holds a role of its own (a national admin, a coordinator, a company
    contact, or the mentor role of another file) belongs to someone who stays: it loses only this
    person's roles, and the national admins are told, since they may have to look at it."""

    scrubbed: list[int] = []
    users = list(User.objects.filter(roles__person=person).distinct())
    for user in users:
        # Role.person is null for the roles that are the account's own (admin, coordinator, ...).
        other_roles = list(user.roles.exclude(person=person))
        if other_roles or user.is_superuser or user.is_staff:
            _keep_account(user, person, pseudonym, other_roles, actor=actor)
            continue
        old_email = user.email
        identifiers.append(old_email)
        user.email = f"{pseudonym.lower()}-{user.pk}@erased.invalid"  # one person may have several accounts
        user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        scrubbed.append(user.pk)
        for label in ("account.EmailAddress", "mfa.Authenticator", "cohorts.CalendarFeed"):
            model = _model(label)
            if model is not None:
                model.objects.filter(user=user).delete()
        for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
            model = _model(label)
            if model is not None:
                model.objects.filter(username__iexact=old_email).delete()
        LogEntry.objects.filter(user=user).update(change_message="")
    return scrubbed


def _keep_account(user: Any, person: Person, pseudonym: str, other_roles: list[Any], *, actor: Actor) -> None:

    removed = list(Role.objects.filter(user=user, person=person).values_list("kind", flat=True))
    Role.objects.filter(user=user, person=person).delete()
    kept = sorted({role.kind for role in other_roles}) or ["staff"]
    audit.record(
        actor=actor,
        verb=audit.Verb.KEPT_ACCOUNT_AT_ERASURE,
        target=user,
        person=person.pk,
        removed_roles=sorted(removed),
        kept_roles=kept,
    )
    transaction.on_commit(
        partial(_tell_national_admins, user_id=user.pk, pseudonym=pseudonym, removed=sorted(removed), kept=kept)
    )


def _tell_national_admins(*, user_id: int, pseudonym: str, removed: list[str], kept: list[str]) -> None:
    """An email to every national admin: an erasure left an account in place (see _scrub_accounts)."""

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    admins = User.objects.filter(is_active=True, roles__kind=Role.Kind.NATIONAL_ADMIN).distinct().only("pk", "email")
    with translation.override(settings.LANGUAGE_CODE):  # staff-side emails: the staff default language
        labels = dict(Role.Kind.choices) | {"staff": _("Django admin access")}
        values = {
            "account": user.email,
            "pseudonym": pseudonym,
            "removed": ", ".join(str(labels.get(k, k)) for k in removed),
            "kept": ", ".join(str(labels.get(k, k)) for k in kept),
        }
        subject = _("Erasure of %(pseudonym)s: an account was kept") % values
        body = "\n\n".join(
            [
                _("Hello,"),
                _(
                    "The file %(pseudonym)s was anonymised. The account %(account)s held its role (%(removed)s) "
                    "and also other roles (%(kept)s), so the account was kept: only the role for the erased "
                    "file was removed."
                )
                % values,
                _("Please check that this account should keep its other roles."),
                _("The Binôme team"),
            ]
        )
    for admin in admins:
        send_email(subject=subject, body=body, to=[admin.email], user_id=admin.pk)


def _scrub_outside_tables(
    person: Person,
    records: dict[str, list[int]],
    identifiers: list[str],
    pseudonym: str,
    user_ids: list[int],
    person_names: tuple[str, str],
) -> None:
    """Copies of the person's identity outside their file: admin history, emails, free-text answers.

    Found by id first (what the person's name was when the copy was made does not matter), then,
    for rows written before the ids were kept, by the identifiers the file holds today."""
    _scrub_admin_log(person, records, identifiers, pseudonym, person_names)
    _scrub_mail(person, identifiers, user_ids)
    answer = _model("surveys.Answer")
    if answer is not None:
        for row in answer.objects.filter(response__invitation__person=person):
            if isinstance(row.value, str) and row.value:
                row.value = ""
                row.save(update_fields=["value"])


def _scrub_admin_log(
    person: Person,
    records: dict[str, list[int]],
    identifiers: list[str],
    pseudonym: str,
    person_names: tuple[str, str],
) -> None:
    """The Django admin's history names the objects it changed (a user's email, a person's name, a
    duo's first names) in `object_repr`, and inline additions in `change_message`."""

    person_type = ContentType.objects.get_for_model(Person)
    LogEntry.objects.filter(content_type=person_type, object_id=str(person.pk)).update(
        object_repr=pseudonym, change_message=""
    )
    for label, ids in records.items():
        model = _model(label)
        if model is None or not ids:
            continue
        content_type = ContentType.objects.get_for_model(model)
        for pk in ids:
            LogEntry.objects.filter(content_type=content_type, object_id=str(pk)).update(
                object_repr=f"{model._meta.model_name} #{pk}", change_message=""
            )
    # A first name alone ("Ben") would match other people's history: addresses, the phone and
    # the full name only.
    names = {person_names[0], person_names[1]}
    needles = [i.lower() for i in identifiers if i and i not in names]
    if all(person_names):
        needles.append(f"{person_names[0]} {person_names[1]}".lower())
    if needles:
        for entry in LogEntry.objects.only("pk", "object_repr", "change_message").iterator():
            text = f"{entry.object_repr}\n{entry.change_message}".lower()
            if any(needle in text for needle in needles):
                LogEntry.objects.filter(pk=entry.pk).update(
                    object_repr=f"{entry.content_type_id}:{entry.object_id}", change_message=""
                )


def _scrub_mail(person: Person, identifiers: list[str], user_ids: list[int]) -> None:
    """The person's outgoing emails (to them or about them, sent or not) and their task records."""

    # A referrer's daily digest speaks of several people: the transitions it told of name it.
    digests = ReferralTransition.objects.filter(referral__person=person, digest_message_id__isnull=False)
    messages = OutgoingMessage.objects.filter(
        Q(person_id=person.pk)
        | Q(about_person_id=person.pk)
        | Q(user_id__in=user_ids)
        | Q(pk__in=digests.values("digest_message_id"))
    )
    message_ids = set(messages.values_list("pk", flat=True))
    messages.delete()  # a task still queued for one of them finds nothing and sends nothing
    tasks = _model("django_tasks_database.DBTaskResult")
    if tasks is None:
        return
    doomed = []
    for row in tasks.objects.only("pk", "task_path", "args_kwargs", "return_value", "traceback"):
        if row.task_path == "binome.lib.mail.deliver_email" and _message_id(row.args_kwargs) in message_ids:
            doomed.append(row.pk)
        elif identifiers and any(
            i in str(row.args_kwargs) or i in str(row.return_value) or i in str(row.traceback or "")
            for i in identifiers
        ):
            doomed.append(row.pk)  # an email queued before messages were kept apart, or a failure naming them
    tasks.objects.filter(pk__in=doomed).delete()


def _message_id(args_kwargs: Any) -> int | None:
    if not isinstance(args_kwargs, dict):
        return None
    args = args_kwargs.get("args") or []
    value = args[0] if args else (args_kwargs.get("kwargs") or {}).get("message_id")
    return value if isinstance(value, int) else None
