"""Every write of the surveys app: instruments and their versions, waves, invitations and links,
answers and submissions. Writes of personal data are audited and name who acted (None when the
respondent answers through their personal link, or when the daily job acts)."""

from __future__ import annotations

import calendar
import hashlib
import secrets
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor
from binome.audit import audit
from binome.cohorts.models import Cohort
from binome.pairing.models import Duo
from binome.surveys import answers as answer_rules
from binome.surveys import editing
from binome.surveys.instruments import INSTRUMENTS
from binome.surveys.models import (
    Answer,
    Audience,
    Instrument,
    InstrumentVersion,
    Invitation,
    InvitationLink,
    Moment,
    Question,
    Response,
    Wave,
)
from binome.surveys.signals import response_submitted

REMINDER_INTERVAL_DAYS = 7
# How long each wave stays open, in days after it opens.
OPEN_FOR_DAYS = {Moment.BASELINE: 21, Moment.MID: 21, Moment.END: 28, Moment.FOLLOW6: 28, Moment.FOLLOW12: 28}
QUESTION_DEFAULTS: dict[str, Any] = {
    "section": "",
    "help": {},
    "choices": [],
    "min_value": None,
    "max_value": None,
    "min_label": {},
    "max_label": {},
    "required": False,
    "show_if": None,
}


class PostedData(Protocol):
    def getlist(self, key: str) -> list[str]: ...


# --- instruments ------------------------------------------------------------------------


def _normalise(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**QUESTION_DEFAULTS, "order": (i + 1) * 10, **spec} for i, spec in enumerate(questions)]


class InvalidQuestions(ValidationError):
    """A refused change of questions; `by_question` maps a question key ("" for the whole list)
    to its fields' messages, so a page can put each message beside what it is about."""

    def __init__(self, by_question: editing.Errors) -> None:
        self.by_question = by_question
        super().__init__(self.messages_except(None))

    def messages_except(self, key: str | None) -> list[str]:
        """Every message, named by its question, but those about question `key`."""
        return [
            f"{other}: {message}" if other else message
            for other, fields in self.by_question.items()
            if other != key
            for messages in fields.values()
            for message in messages
        ]


def current_questions(instrument: Instrument) -> list[dict[str, Any]]:
    """The current version's questions as specs, in order (empty for a new instrument)."""
    current = instrument.current_version()
    return [q.signature() for q in current.questions.all()] if current else []


@transaction.atomic
def revise_instrument(
    instrument: Instrument, questions: list[dict[str, Any]], *, actor: Actor, note: str = ""
) -> InstrumentVersion:
    """Make `questions` the instrument's current questions. Unchanged: nothing happens. A version
    nobody has answered yet is edited in place; a version with answers is frozen, so a new
    version is created and past answers keep pointing at the questions they answered."""
    # One editor at a time per instrument: two concurrent edits would both build on the same
    # current version and the second would silently undo the first.
    Instrument.objects.select_for_update().filter(pk=instrument.pk).first()
    wanted = _normalise(questions)
    keys = [q["key"] for q in wanted]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("Two questions have the same key."))
    errors = editing.list_errors(instrument.audience, wanted, current_questions(instrument))
    if errors:
        raise InvalidQuestions(errors)
    current = instrument.current_version()
    if current is not None and [q.signature() for q in current.questions.all()] == wanted:
        return current
    if current is not None and not current.is_frozen:
        current.questions.all().delete()
        version = current
        verb = audit.Verb.EDITED
    else:
        version = InstrumentVersion.objects.create(
            instrument=instrument, number=(current.number + 1) if current else 1, note=note
        )
        verb = audit.Verb.VERSIONED
    Question.objects.bulk_create(Question(version=version, **spec) for spec in wanted)
    # Waves ask the newest questions from now on; responses already started keep their version.
    Wave.objects.filter(instrument=instrument).exclude(version=version).update(version=version)
    audit.record(actor=actor, verb=verb, target=version, questions=len(wanted))
    return version


@transaction.atomic
def load_instruments(*, actor: Actor = None) -> list[Instrument]:
    """Write the built-in instruments (idempotent: a second call changes nothing)."""
    loaded = []
    for spec in INSTRUMENTS:
        instrument, created = Instrument.objects.get_or_create(
            code=spec["code"],
            defaults={"audience": spec["audience"], "moment": spec["moment"], "title": spec["title"]},
        )
        # Once written, an instrument belongs to the people who edit it on its page: loading
        # again (a new release, a re-seed) never puts the built-in questions back over theirs.
        if created:
            revise_instrument(instrument, spec["questions"], actor=actor, note="built-in")
        loaded.append(instrument)
    return loaded


def _revise_list(
    instrument: Instrument, questions: list[dict[str, Any]], *, actor: Actor, note: str
) -> InstrumentVersion:
    return revise_instrument(instrument, editing.without_order(questions), actor=actor, note=note[:200])


def save_question(
    instrument: Instrument, spec: dict[str, Any], *, actor: Actor, replacing: str | None = None, note: str = ""
) -> InstrumentVersion:
    """Change question `replacing` (its key stays) or, without it, add `spec` at the end."""
    questions = current_questions(instrument)
    if replacing is None:
        questions.append({**QUESTION_DEFAULTS, **spec})
        default_note = _("Question “%(key)s” added.") % {"key": spec.get("key", "")}
    else:
        index = next((i for i, q in enumerate(questions) if q["key"] == replacing), None)
        if index is None:
            raise ValidationError(_("This question is no longer in the current version."))
        questions[index] = {**questions[index], **spec, "key": replacing}
        default_note = _("Question “%(key)s” changed.") % {"key": replacing}
    return _revise_list(instrument, questions, actor=actor, note=note or default_note)


def remove_question(instrument: Instrument, key: str, *, actor: Actor, note: str = "") -> InstrumentVersion:
    questions = current_questions(instrument)
    kept = [q for q in questions if q["key"] != key]
    if len(kept) == len(questions):
        raise ValidationError(_("This question is no longer in the current version."))
    dependants = [q["key"] for q in kept if (q.get("show_if") or {}).get("key") == key]
    if dependants:
        raise InvalidQuestions(
            {
                "": {
                    "__all__": [
                        _("Other questions are shown depending on this one (%(keys)s): change them first.")
                        % {"keys": ", ".join(dependants)}
                    ]
                }
            }
        )
    return _revise_list(instrument, kept, actor=actor, note=note or _("Question “%(key)s” removed.") % {"key": key})


def move_question(instrument: Instrument, key: str, step: int, *, actor: Actor) -> InstrumentVersion:
    questions = current_questions(instrument)
    if key not in {q["key"] for q in questions}:
        raise ValidationError(_("This question is no longer in the current version."))
    return _revise_list(
        instrument,
        editing.moved(questions, key, step),
        actor=actor,
        note=_("Question “%(key)s” moved.") % {"key": key},
    )


# --- waves ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def wave_dates(cohort: Cohort, moment: str) -> tuple[date, date]:
    """When a wave of this moment opens and closes, from the cohort's dates."""
    start, end = cohort.starts_on, cohort.ends_on
    opens = {
        Moment.BASELINE: start,
        Moment.MID: start + (end - start) // 2,
        Moment.END: end,
        Moment.FOLLOW6: add_months(end, 6),
        Moment.FOLLOW12: add_months(end, 12),
    }[Moment(moment)]
    return opens, opens + timedelta(days=OPEN_FOR_DAYS[Moment(moment)])


@transaction.atomic
def schedule_waves(cohort: Cohort) -> list[Wave]:
    """One wave per instrument for the cohort (idempotent); waves not opened yet follow the
    cohort's dates if they moved."""
    waves = []
    instruments = Instrument.objects.all()
    plan = cohort.template.survey_plan if cohort.template is not None else []
    if plan:  # the programme template chooses its questionnaires; none chosen: all of them
        instruments = instruments.filter(code__in=plan)
    for instrument in instruments:
        version = instrument.current_version()
        if version is None:
            continue
        opens, closes = wave_dates(cohort, instrument.moment)
        wave, created = Wave.objects.get_or_create(
            cohort=cohort,
            instrument=instrument,
            defaults={"version": version, "opens_on": opens, "closes_on": closes},
        )
        if not created and wave.opened_at is None and (wave.opens_on, wave.closes_on) != (opens, closes):
            wave.opens_on, wave.closes_on = opens, closes
            wave.save(update_fields=["opens_on", "closes_on"])
        waves.append(wave)
    return waves


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def wave_members(wave: Wave) -> list[tuple[int, int, str]]:
    """(person id, duo id, role) of the people a wave asks: the mentees or mentors of the cohort's
    duos. Drop-outs stay asked at the end and after (intent-to-treat); the mid-point check-in
    goes to live duos only."""
    duos = Duo.objects.filter(cohort_id=wave.cohort_id).order_by("pk")
    if wave.instrument.moment in (Moment.BASELINE, Moment.MID):
        duos = duos.filter(status__in=[Duo.Status.ACTIVE, Duo.Status.PAUSED])
    side = "mentee" if wave.instrument.audience == Audience.MENTEE else "mentor"
    members: dict[int, tuple[int, int, str]] = {}
    for duo_id, person_id in duos.values_list("pk", f"{side}__person_id"):
        members.setdefault(person_id, (person_id, duo_id, side))
    return list(members.values())


@transaction.atomic
def invite_wave(wave: Wave, today: date, *, notify: bool = True) -> list[Invitation]:
    """Create the missing invitations of an open wave and email each person their link."""
    from binome.surveys.tasks import email_survey_link

    existing = set(wave.invitations.values_list("person_id", flat=True))
    created = []
    for person_id, duo_id, role in wave_members(wave):
        if person_id in existing:
            continue
        created.append(
            Invitation.objects.create(
                wave=wave, person_id=person_id, duo_id=duo_id, role=role, expires_at=_end_of(wave.closes_on)
            )
        )
    if wave.opened_at is None:
        wave.opened_at = timezone.now()
        wave.save(update_fields=["opened_at"])
    if created:
        audit.record(actor=None, verb=audit.Verb.INVITED, target=wave, count=len(created))
    if notify:
        for invitation in Invitation.objects.filter(pk__in=[i.pk for i in created]).select_related("person"):
            if invitation.person.email:
                Invitation.objects.filter(pk=invitation.pk).update(sent_on=today, last_contacted_on=today)
                transaction.on_commit(partial(email_survey_link.enqueue, invitation.pk, "invitation"))
    return created


def open_due_waves(today: date) -> int:
    """Schedule waves for cohorts with duos, then invite the members of every wave open today.
    Idempotent: a second run the same day creates nothing. Returns how many invitations."""
    # Writes the built-in questionnaires a release adds (never over existing ones).
    load_instruments()
    cohorts = Cohort.objects.filter(duos__isnull=False, ends_on__gte=today - timedelta(days=400)).distinct()
    for cohort in cohorts:
        schedule_waves(cohort)
    created = 0
    waves = Wave.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("instrument")
    for wave in waves:
        created += len(invite_wave(wave, today))
    return created


@transaction.atomic
def send_survey_reminders(today: date) -> int:
    """Remind people who have not answered an open wave: at most one email per invitation every
    7 days, none after submission or expiry. Returns how many were reminded."""
    from binome.surveys.tasks import email_survey_link

    due = list(
        Invitation.objects.select_for_update()
        .filter(
            submitted_at__isnull=True,
            wave__opens_on__lte=today,
            wave__closes_on__gte=today,
            expires_at__gt=timezone.make_aware(datetime.combine(today, time(0, 0))),
            last_contacted_on__lte=today - timedelta(days=REMINDER_INTERVAL_DAYS),
        )
        .exclude(person__email="")
        .order_by("pk")
    )
    for invitation in due:
        invitation.last_contacted_on = today
        invitation.reminders_sent += 1
        invitation.save(update_fields=["last_contacted_on", "reminders_sent"])
        transaction.on_commit(partial(email_survey_link.enqueue, invitation.pk, "reminder"))
    return len(due)


@transaction.atomic
def resend_link(invitation: Invitation, *, actor: Actor, today: date | None = None) -> Invitation:
    """Staff send the link again: a new link, and every earlier one stops working (it may be lost
    or in someone else's hands; it now opens a page saying it was replaced). An expired
    invitation gets two more weeks."""
    from binome.surveys.tasks import email_survey_link

    today = today or timezone.localdate()
    if invitation.is_submitted:
        raise ValidationError(_("This person has already answered."))
    if not invitation.person.email:
        raise ValidationError(_("This person has no email address: enter their answers from a phone interview."))
    if invitation.is_expired():
        invitation.expires_at = _end_of(today + timedelta(days=14))
    invitation.last_contacted_on = today
    invitation.sent_on = invitation.sent_on or today
    invitation.save(update_fields=["expires_at", "last_contacted_on", "sent_on"])
    replaced = InvitationLink.objects.filter(invitation=invitation, replaced_at__isnull=True).update(
        replaced_at=timezone.now()
    )
    audit.record(actor=actor, verb=audit.Verb.RESENT_SURVEY_LINK, target=invitation, links_replaced=replaced)
    transaction.on_commit(lambda: email_survey_link.enqueue(invitation.pk, "invitation"))
    return invitation


# --- links ------------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_link(invitation: Invitation) -> str:
    """A new personal link's secret; only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    InvitationLink.objects.create(invitation=invitation, token_hash=hash_token(raw))
    return raw


class LinkReplaced(Exception):
    """A personal link that staff replaced by sending a new one (`resend_link`)."""


def invitation_for_token(raw: str) -> Invitation | None:
    """The invitation of a working link; None for an unknown one. Raises LinkReplaced for a link
    replaced by a newer one, so the page can say so rather than "not found"."""
    if not raw or len(raw) > 100:
        return None
    link = (
        InvitationLink.objects.filter(token_hash=hash_token(raw))
        .select_related("invitation__wave__instrument", "invitation__wave__cohort", "invitation__person")
        .first()
    )
    if link is None:
        return None
    if link.replaced_at is not None:
        raise LinkReplaced
    return link.invitation


# --- answers ----------------------------------------------------------------------------


def version_of(invitation: Invitation) -> InstrumentVersion:
    """The questions this invitation is answered with: its response's version once started."""
    response = Response.objects.filter(invitation=invitation).select_related("version").first()
    return response.version if response else invitation.wave.version


def answers_of(invitation: Invitation) -> dict[str, Any]:
    return dict(Answer.objects.filter(response__invitation=invitation).values_list("question__key", "value"))


@transaction.atomic
def save_answers(
    invitation: Invitation,
    data: PostedData,
    *,
    actor: Actor = None,
    source: str = Response.Source.SELF,
) -> dict[str, str]:
    """Store the valid answers among the posted questions (those listed in "shown"); returns the
    error message of each invalid one, by question key. Nothing valid is lost to an error."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_submitted:
        raise ValidationError(_("These answers were already sent."))
    response, _created = Response.objects.get_or_create(
        invitation=invitation, defaults={"version": invitation.wave.version, "source": source}
    )
    if source == Response.Source.STAFF_INTERVIEW and response.source != source:
        response.source = source
        response.save(update_fields=["source"])
    shown = set(data.getlist("shown"))
    errors: dict[str, str] = {}
    changed = 0
    for question in response.version.questions.all():
        if question.key not in shown:
            continue
        try:
            value = answer_rules.parse(question, data.getlist(answer_rules.field_name(question)))
        except answer_rules.AnswerError as error:
            errors[question.key] = str(error)
            continue
        if value is None:
            changed += Answer.objects.filter(response=response, question=question).delete()[0]
            continue
        answer = Answer.objects.filter(response=response, question=question).first()
        if answer is not None and answer.value == value:
            continue
        Answer.objects.update_or_create(
            response=response,
            question=question,
            defaults={
                "value": value,
                "source": source,
                "entered_by": actor if source == Response.Source.STAFF_INTERVIEW else None,
                "saved_at": timezone.now(),
            },
        )
        changed += 1
    if changed and source == Response.Source.STAFF_INTERVIEW:
        audit.record(actor=actor, verb=audit.Verb.ENTERED_SURVEY_ANSWERS, target=response, count=changed)
    return errors


def missing_required(invitation: Invitation) -> dict[str, str]:
    version = version_of(invitation)
    given = answers_of(invitation)
    return {
        q.key: _("This question needs an answer.")
        for q in answer_rules.visible(version.questions.all(), given)
        if q.required and q.key not in given
    }


@transaction.atomic
def submit_response(
    invitation: Invitation, *, actor: Actor = None, source: str = Response.Source.SELF
) -> dict[str, str]:
    """Send the answers: every required question shown must be answered; answers to questions
    that ended up hidden are dropped. Returns the errors (empty when sent)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_submitted:
        raise ValidationError(_("These answers were already sent."))
    errors = missing_required(invitation)
    if errors:
        return errors
    response, _created = Response.objects.get_or_create(
        invitation=invitation, defaults={"version": invitation.wave.version, "source": source}
    )
    given = answers_of(invitation)
    shown = {q.key for q in answer_rules.visible(response.version.questions.all(), given)}
    response.answers.exclude(question__key__in=shown).delete()
    now = timezone.now()
    response.submitted_at = now
    response.source = source
    response.submitted_by = actor if source == Response.Source.STAFF_INTERVIEW else None
    response.save(update_fields=["submitted_at", "source", "submitted_by"])
    invitation.submitted_at = now
    invitation.save(update_fields=["submitted_at"])
    audit.record(actor=actor, verb=audit.Verb.SUBMITTED_SURVEY, target=response, source=source)
    # In the same transaction: the answers and the outcomes recorded from them agree.
    response_submitted.send(sender=Response, response=response, actor=actor)
    return {}


def record_answers_directly(
    invitation: Invitation, values: Mapping[str, Any], *, submitted_at: datetime | None
) -> Response:
    """Write already-valid answers (the demo seed): no parsing, no audit of a person's action."""
    response, _created = Response.objects.get_or_create(
        invitation=invitation, defaults={"version": invitation.wave.version}
    )
    questions = {q.key: q for q in response.version.questions.all()}
    for key, value in values.items():
        if value is not None:
            Answer.objects.update_or_create(response=response, question=questions[key], defaults={"value": value})
    if submitted_at is not None:
        Response.objects.filter(pk=response.pk).update(submitted_at=submitted_at, started_at=submitted_at)
        Invitation.objects.filter(pk=invitation.pk).update(submitted_at=submitted_at)
    return response
