"""The data inventory: every field of every model that holds personal data, with its category,
purpose, legal basis and retention. It produces the processing register (GDPR art. 30:
`python manage.py processing_register`, and the national admin's page), and a test walks the app
registry so that a new personal field cannot ship without an entry here.

A model holds personal data when it is one of PERSONAL_ROOTS, when it points (foreign key,
one-to-one, many-to-many) at a model that does (apart from the user who acted: `created_by`-style
fields are listed in the models that already are personal), or when it has a field named like
contact details (email, phone, names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact details")
    SENSITIVE = "sensitive", _("Sensitive (encrypted at rest)")
    SITUATION = "situation", _("Situation and project")
    PROFESSIONAL = "professional", _("Professional life")
    PREFERENCES = "preferences", _("Preferences and availability")
    FREE_TEXT = "free_text", _("Free text (notes, reasons)")
    ACTIVITY = "activity", _("Programme activity")
    SURVEY = "survey", _("Survey answers and outcomes")
    CONSENT = "consent", _("Consent")
    ACCOUNT = "account", _("User account")
    SECURITY = "security", _("Security and audit trail")
    REFERENCE = "reference", _("Link or technical field (no personal content of its own)")


class Basis(models.TextChoices):
    CONSENT = "consent", _("Consent (GDPR art. 6(1)(a))")
    CONTRACT = "contract", _("Contract: the company's sponsorship agreement (art. 6(1)(b))")
    LEGAL = "legal_obligation", _("Legal obligation (art. 6(1)(c))")
    LEGITIMATE = "legitimate_interests", _("Legitimate interests (art. 6(1)(f))")


@dataclass(frozen=True)
class Retention:
    key: str
    label: Any  # a lazy translation
    period: timedelta | None  # None: follows the file it belongs to
    applied_by_run_daily: bool


DAY = timedelta(days=1)
RETENTION = {
    r.key: r
    for r in [
        Retention(
            "participant_file",
            _("Refugee's file: 2 years after the last contact, then anonymised"),
            730 * DAY,
            True,
        ),
        Retention(
            "unsuccessful_referral",
            _("Unsuccessful referral (ineligible, left before a duo): 1 year after the decision, then anonymised"),
            365 * DAY,
            True,
        ),
        Retention(
            "mentor_file",
            _("Mentor's file: 2 years after their last duo or enrolment, then anonymised"),
            730 * DAY,
            True,
        ),
        Retention("with_file", _("Kept with the person's file and anonymised with it"), None, False),
        Retention(
            "account", _("User account: while a role is held; deactivated and anonymised with the file"), None, False
        ),
        Retention(
            "partner_contact",
            _("Partner and company contacts: 3 years after the last exchange (reviewed by the national admin)"),
            1095 * DAY,
            False,
        ),
        Retention(
            "team_contact", _("A territory's team contact: while it is set; replaced when it changes"), None, False
        ),
        Retention("audit", _("Audit trail: 5 years, then deleted"), 1826 * DAY, True),
        Retention(
            "task_queue",
            _("Background task records and outgoing emails (wiped of their text once sent): 30 days, then deleted"),
            30 * DAY,
            True,
        ),
        Retention(
            "matching", _("Matching snapshots: scrubbed of a person's data when their file is anonymised"), None, False
        ),
    ]
}


@dataclass(frozen=True)
class Processing:
    purpose: Any  # a lazy translation
    basis: str


PROGRAMME = Processing(_("Running the mentoring programme (screening, matching, duo follow-up)"), Basis.CONSENT)
MENTORING = Processing(_("Mentoring under the company's sponsorship agreement"), Basis.CONTRACT)
IMPACT = Processing(_("Measuring the programme's impact (surveys, outcomes, reports)"), Basis.CONSENT)
ACCOUNTS = Processing(_("Signing in and scoping what each user may see"), Basis.LEGITIMATE)
SECURITY = Processing(_("Security of processing and accountability (GDPR art. 5(2), 32)"), Basis.LEGAL)
PARTNERS = Processing(_("Relations with partner organisations and companies"), Basis.LEGITIMATE)
SPONSORSHIP = Processing(_("Skills-sponsorship statements for the company"), Basis.CONTRACT)
TEAM_CONTACT = Processing(
    _("Telling mentees and mentors who their coordinators are and how to reach the team"), Basis.LEGITIMATE
)


@dataclass(frozen=True)
class ModelEntry:
    label: str
    processing: Processing
    retention: str
    fields: dict[str, str]  # field name → Category


C = Category
REF = C.REFERENCE

INVENTORY: list[ModelEntry] = [
    # people
    ModelEntry(
        "people.Person",
        PROGRAMME,
        "participant_file",
        {
            "id": REF,
            "first_name": C.IDENTITY,
            "last_name": C.IDENTITY,
            "name_key": C.IDENTITY,
            "email": C.CONTACT,
            "phone": C.CONTACT,
            "gender": C.IDENTITY,
            "date_of_birth": C.IDENTITY,
            "country_of_origin": C.SITUATION,
            "territory": REF,
            "created_at": REF,
            "updated_at": REF,
            "updated_by": C.SECURITY,
        },
    ),
    ModelEntry(
        "people.PersonLanguage",
        PROGRAMME,
        "with_file",
        {"id": REF, "person": REF, "language": C.SITUATION, "level": C.SITUATION},
    ),
    ModelEntry(
        "people.MenteeProfile",
        PROGRAMME,
        "participant_file",
        {
            "id": REF,
            "person": REF,
            "protection_status": C.SENSITIVE,
            "right_to_work": C.SITUATION,
            "arrival_date": C.SITUATION,
            "french_level": C.SITUATION,
            "home": C.CONTACT,
            "target_occupations": C.PROFESSIONAL,
            "education_level": C.PROFESSIONAL,
            "work_experience": C.FREE_TEXT,
            "availability": C.PREFERENCES,
            "meeting_mode": C.PREFERENCES,
            "gender_preference": C.PREFERENCES,
            "gender_preference_required": C.PREFERENCES,
            "available_six_months": C.SITUATION,
        },
    ),
    ModelEntry(
        "people.MentorProfile",
        MENTORING,
        "mentor_file",
        {
            "id": REF,
            "person": REF,
            "company": C.PROFESSIONAL,
            "job_title": C.PROFESSIONAL,
            "occupation": C.PROFESSIONAL,
            "workplace": C.PROFESSIONAL,
            "capacity": C.PREFERENCES,
            "gender_preference": C.PREFERENCES,
            "gender_preference_required": C.PREFERENCES,
            "meeting_mode": C.PREFERENCES,
            "availability": C.PREFERENCES,
            "training_status": C.ACTIVITY,
            "trained_on": C.ACTIVITY,
            "training_waiver_reason": C.FREE_TEXT,
            "enrolled_at": C.ACTIVITY,
        },
    ),
    # accounts
    ModelEntry(
        "accounts.User",
        ACCOUNTS,
        "account",
        {
            "id": REF,
            "password": C.ACCOUNT,
            "last_login": C.ACCOUNT,
            "is_superuser": C.ACCOUNT,
            "is_staff": C.ACCOUNT,
            "is_active": C.ACCOUNT,
            "date_joined": C.ACCOUNT,
            "first_name": C.IDENTITY,
            "last_name": C.IDENTITY,
            "email": C.CONTACT,
            "language": C.PREFERENCES,
            "groups": C.ACCOUNT,
            "user_permissions": C.ACCOUNT,
        },
    ),
    ModelEntry(
        "accounts.Role",
        ACCOUNTS,
        "account",
        {"id": REF, "user": REF, "kind": C.ACCOUNT, "territory": REF, "organisation": REF, "person": REF},
    ),
    ModelEntry(
        "territories.TerritoryContact",
        TEAM_CONTACT,
        "team_contact",
        {"territory": REF, "phone": C.CONTACT, "email": C.CONTACT},
    ),
    # organisations
    ModelEntry(
        "organisations.Contact",
        PARTNERS,
        "partner_contact",
        {
            "id": REF,
            "organisation": REF,
            "name": C.IDENTITY,
            "role": C.PROFESSIONAL,
            "email": C.CONTACT,
            "phone": C.CONTACT,
            "created_at": REF,
        },
    ),
    ModelEntry(
        "organisations.Exchange",
        PARTNERS,
        "partner_contact",
        {
            "id": REF,
            "organisation": REF,
            "contact": REF,
            "happened_on": C.ACTIVITY,
            "kind": C.ACTIVITY,
            "summary": C.FREE_TEXT,
            "recorded_by": C.SECURITY,
            "created_at": REF,
        },
    ),
    # sourcing
    ModelEntry(
        "sourcing.Referral",
        PROGRAMME,
        "unsuccessful_referral",
        {
            "id": REF,
            "person": REF,
            "partner": REF,
            "status": C.ACTIVITY,
            "reason": C.SENSITIVE,
            "referred_at": C.ACTIVITY,
            "status_changed_at": C.ACTIVITY,
            "created_by": C.SECURITY,
            "source": C.ACTIVITY,
            "referrer_name": C.IDENTITY,
            "referrer_email": C.CONTACT,
            "referrer_phone": C.CONTACT,
            "cohort": REF,
            "status_reason": C.SENSITIVE,
            "precheck_override": C.SENSITIVE,
            "merged_into": REF,
            "import_batch": C.ACTIVITY,
        },
    ),
    ModelEntry(
        "sourcing.ReferralTransition",
        PROGRAMME,
        "with_file",
        {
            "id": REF,
            "referral": REF,
            "from_status": C.ACTIVITY,
            "to_status": C.ACTIVITY,
            "at": C.ACTIVITY,
            "actor": C.SECURITY,
            "note": C.SENSITIVE,
            "skipped": C.ACTIVITY,
            "digested_on": C.ACTIVITY,
            "digest_message_id": REF,
        },
    ),
    ModelEntry(
        "sourcing.Consent",
        Processing(_("Proof of consent"), Basis.LEGAL),
        "with_file",
        {
            "id": REF,
            "person": REF,
            "text": C.CONSENT,
            "given_on": C.CONSENT,
            "method": C.CONSENT,
            "recorded_by": C.SECURITY,
            "recorded_at": C.CONSENT,
            "withdrawn_on": C.CONSENT,
        },
    ),
    ModelEntry(
        "sourcing.MentorInvitation",
        MENTORING,
        "with_file",
        {
            "id": REF,
            "company": REF,
            "label": REF,
            "valid_from": REF,
            "valid_until": REF,
            "token": REF,
            "created_by": C.SECURITY,
            "created_at": REF,
            "revoked_at": REF,
            "enrolled": C.ACTIVITY,
        },
    ),
    ModelEntry(
        "sourcing.TrainingAttendance",
        MENTORING,
        "with_file",
        {"id": REF, "session": REF, "mentor": REF, "present": C.ACTIVITY},
    ),
    # cohorts
    ModelEntry(
        "cohorts.WorkshopInvitation",
        PROGRAMME,
        "with_file",
        {
            "id": REF,
            "workshop": REF,
            "person": REF,
            "role": C.ACTIVITY,
            "invited_at": C.ACTIVITY,
            "present": C.ACTIVITY,
        },
    ),
    ModelEntry(
        "cohorts.CalendarFeed", ACCOUNTS, "account", {"id": REF, "user": REF, "token": C.ACCOUNT, "created_at": REF}
    ),
    # pairing
    ModelEntry(
        "pairing.Duo",
        PROGRAMME,
        "with_file",
        {
            "id": REF,
            "cohort": REF,
            "mentor": REF,
            "mentee": REF,
            "status": C.ACTIVITY,
            "started_on": C.ACTIVITY,
            "ended_on": C.ACTIVITY,
            "proposal": REF,
            "end_reason": C.SENSITIVE,
            "pause_reason": C.SENSITIVE,
            "mentor_shares_email": C.PREFERENCES,
            "mentor_shares_phone": C.PREFERENCES,
            "mentee_shares_email": C.PREFERENCES,
            "mentee_shares_phone": C.PREFERENCES,
        },
    ),
    ModelEntry(
        "pairing.MatchRun",
        PROGRAMME,
        "matching",
        {
            "id": REF,
            "cohort": REF,
            "number": REF,
            "status": REF,
            "mode": REF,
            "engine_version": REF,
            "weights": REF,
            "options": REF,
            "inputs": C.SITUATION,
            "pins": REF,
            "forbids": REF,
            "unmatched": C.ACTIVITY,
            "total_score": REF,
            "solver": REF,
            "seconds": REF,
            "created_at": REF,
            "created_by": C.SECURITY,
            "confirmed_at": REF,
            "confirmed_by": C.SECURITY,
        },
    ),
    ModelEntry(
        "pairing.Proposal",
        PROGRAMME,
        "matching",
        {
            "id": REF,
            "run": REF,
            "mentee": REF,
            "mentor": REF,
            "score": C.ACTIVITY,
            "contributions": C.ACTIVITY,
            "rank": C.ACTIVITY,
            "pinned": C.ACTIVITY,
            "swapped": C.ACTIVITY,
            "decision": C.ACTIVITY,
        },
    ),
    # meetings
    ModelEntry(
        "meetings.Meeting",
        PROGRAMME,
        "with_file",
        {
            "id": REF,
            "duo": REF,
            "held_on": C.ACTIVITY,
            "duration_minutes": C.ACTIVITY,
            "mode": C.ACTIVITY,
            "topics": C.ACTIVITY,
            "note": C.SENSITIVE,
            "recorded_as": C.ACTIVITY,
            "recorded_by": C.SECURITY,
            "recorded_at": C.ACTIVITY,
            "confirmed_at": C.ACTIVITY,
            "confirmed_by": C.SECURITY,
            "confirmed_as": C.ACTIVITY,
            "phone_member_name": C.IDENTITY,
            "phone_reason": C.SENSITIVE,
        },
    ),
    ModelEntry(
        "meetings.NetworkIntroduction",
        PROGRAMME,
        "with_file",
        {
            "id": REF,
            "duo": REF,
            "introduced_on": C.ACTIVITY,
            "contact_role": C.PROFESSIONAL,
            "company": C.PROFESSIONAL,
            "sector": C.PROFESSIONAL,
            "meeting_followed": C.ACTIVITY,
            "recorded_by": C.SECURITY,
            "recorded_at": C.ACTIVITY,
        },
    ),
    ModelEntry(
        "meetings.Alert",
        PROGRAMME,
        "with_file",
        {
            "id": REF,
            "duo": REF,
            "kind": C.ACTIVITY,
            "status": C.ACTIVITY,
            "raised_on": C.ACTIVITY,
            "details": C.ACTIVITY,
            "snoozed_until": C.ACTIVITY,
            "resolved_at": C.ACTIVITY,
            "resolved_by": C.SECURITY,
        },
    ),
    ModelEntry(
        "meetings.AlertNote",
        PROGRAMME,
        "with_file",
        {"id": REF, "alert": REF, "at": C.ACTIVITY, "actor": C.SECURITY, "action": C.ACTIVITY, "text": C.SENSITIVE},
    ),
    ModelEntry(
        "meetings.Reminder", PROGRAMME, "with_file", {"id": REF, "duo": REF, "sent_on": C.ACTIVITY, "kind": C.ACTIVITY}
    ),
    # surveys and impact
    ModelEntry(
        "surveys.Invitation",
        IMPACT,
        "with_file",
        {
            "id": REF,
            "wave": REF,
            "person": REF,
            "duo": REF,
            "role": C.SURVEY,
            "created_at": C.SURVEY,
            "expires_at": C.SURVEY,
            "sent_on": C.SURVEY,
            "last_contacted_on": C.SURVEY,
            "reminders_sent": C.SURVEY,
            "submitted_at": C.SURVEY,
        },
    ),
    ModelEntry(
        "surveys.InvitationLink",
        IMPACT,
        "with_file",
        {"id": REF, "invitation": REF, "token_hash": C.ACCOUNT, "created_at": REF, "replaced_at": REF},
    ),
    ModelEntry(
        "surveys.Response",
        IMPACT,
        "with_file",
        {
            "id": REF,
            "invitation": REF,
            "version": REF,
            "started_at": C.SURVEY,
            "submitted_at": C.SURVEY,
            "source": C.SURVEY,
            "submitted_by": C.SECURITY,
        },
    ),
    ModelEntry(
        "surveys.Answer",
        IMPACT,
        "with_file",
        {
            "id": REF,
            "response": REF,
            "question": REF,
            "value": C.SURVEY,
            "source": C.SURVEY,
            "entered_by": C.SECURITY,
            "saved_at": C.SURVEY,
        },
    ),
    ModelEntry(
        "impact.Outcome",
        IMPACT,
        "with_file",
        {
            "id": REF,
            "person": REF,
            "duo": REF,
            "kind": C.SURVEY,
            "date": C.SURVEY,
            "sector": C.SURVEY,
            "occupation": C.SURVEY,
            "source": C.SURVEY,
            "survey_ref": REF,
            "status": C.SURVEY,
            "recorded_by": C.SECURITY,
            "created_at": REF,
        },
    ),
    ModelEntry(
        "impact.OutcomeConflict",
        IMPACT,
        "with_file",
        {
            "id": REF,
            "person": REF,
            "staff_outcome": REF,
            "survey_outcome": REF,
            "decision": C.SURVEY,
            "raised_at": REF,
            "decided_at": REF,
            "decided_by": C.SECURITY,
        },
    ),
    ModelEntry(
        "impact.NetworkReport",
        IMPACT,
        "with_file",
        {
            "id": REF,
            "person": REF,
            "duo": REF,
            "date": C.SURVEY,
            "contacts": C.SURVEY,
            "source": C.SURVEY,
            "survey_ref": REF,
            "recorded_by": C.SECURITY,
            "created_at": REF,
        },
    ),
    ModelEntry(
        "impact.MentorSkillsScore",
        IMPACT,
        "with_file",
        {
            "id": REF,
            "person": REF,
            "duo": REF,
            "moment": C.SURVEY,
            "score": C.SURVEY,
            "date": C.SURVEY,
            "survey_ref": REF,
            "created_at": REF,
        },
    ),
    # sponsorship and events
    ModelEntry(
        "sponsorship.StatementLine",
        SPONSORSHIP,
        "with_file",
        {
            "id": REF,
            "statement": REF,
            "mentor": REF,
            "employee_name": C.IDENTITY,
            "training_minutes": C.ACTIVITY,
            "meeting_minutes": C.ACTIVITY,
            "workshop_minutes": C.ACTIVITY,
            "phone_minutes": C.ACTIVITY,
        },
    ),
    ModelEntry(
        "events.EventRegistration",
        MENTORING,
        "with_file",
        {
            "id": REF,
            "event": REF,
            "person": REF,
            "audience": C.ACTIVITY,
            "present": C.ACTIVITY,
            "registered_at": C.ACTIVITY,
            "registered_by": C.SECURITY,
        },
    ),
    # audit
    ModelEntry(
        "audit.AuditEvent",
        SECURITY,
        "audit",
        {
            "id": REF,
            "at": C.SECURITY,
            "actor": C.SECURITY,
            "verb": C.SECURITY,
            "target_type": C.SECURITY,
            "target_id": C.SECURITY,
            "details": C.SECURITY,
        },
    ),
    # privacy
    ModelEntry(
        "privacy.Erasure",
        Processing(_("Proof that a file was anonymised (accountability)"), Basis.LEGAL),
        "audit",
        {
            "id": REF,
            "person": REF,
            "pseudonym": C.SECURITY,
            "at": C.SECURITY,
            "actor": C.SECURITY,
            "reason": C.SECURITY,
        },
    ),
]

# The background worker's queue (django-tasks' database backend). An email's task carries only the
# id of its OutgoingMessage; tasks queued before that change carried the address and text.
TASK_QUEUE = ModelEntry(
    "django_tasks_database.DBTaskResult",
    Processing(_("Sending emails and building reports in the background"), Basis.LEGITIMATE),
    "task_queue",
    {
        "id": REF,
        "status": REF,
        "enqueued_at": REF,
        "started_at": REF,
        "finished_at": REF,
        "args_kwargs": C.CONTACT,
        "priority": REF,
        "task_path": REF,
        "worker_ids": REF,
        "queue_name": REF,
        "backend_name": REF,
        "run_after": REF,
        "return_value": REF,
        "exception_class_path": REF,
        "traceback": C.SECURITY,
    },
)
INVENTORY.append(TASK_QUEUE)

# An email waiting for the worker (binome/lib/models.py): its text is encrypted at rest and wiped
# once sent; the row (ids, dates) stays as a receipt for the task queue's 30 days.
INVENTORY.append(
    ModelEntry(
        "lib.OutgoingMessage",
        Processing(_("Sending emails in the background"), Basis.LEGITIMATE),
        "task_queue",
        {
            "id": REF,
            "created_at": REF,
            "sent_at": REF,
            "person_id": REF,
            "about_person_id": REF,
            "user_id": REF,
            "to": C.SENSITIVE,
            "subject": C.SENSITIVE,
            "body": C.SENSITIVE,
            "html_body": C.SENSITIVE,
            "calendar": C.SENSITIVE,
            "calendar_method": REF,
            "territory_id": REF,
            "failed_at": REF,
            "error": C.SENSITIVE,
            "attempts": REF,
        },
    )
)

PERSONAL_ROOTS = {
    "accounts.user",
    "people.person",
    "organisations.contact",
    "audit.auditevent",
    "pairing.matchrun",
    "lib.outgoingmessage",
}
CONTACT_LIKE = re.compile(r"(^|_)(email|phone|first_name|last_name|employee_name|referrer_name)$")


def personal_models() -> list[type[models.Model]]:
    """Every model of the project that holds personal data, by the rule in the module docstring."""
    ours = [m for m in apps.get_models() if m.__module__.startswith("binome.")]
    personal = {m._meta.label_lower for m in ours if m._meta.label_lower in PERSONAL_ROOTS}
    personal |= {m._meta.label_lower for m in ours if any(CONTACT_LIKE.search(f.name) for f in m._meta.concrete_fields)}
    changed = True
    while changed:
        changed = False
        for model in ours:
            label = model._meta.label_lower
            if label in personal:
                continue
            for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
                target = field.related_model
                if (
                    field.is_relation
                    and target is not None
                    and target._meta.label_lower in personal
                    and target._meta.label_lower != "accounts.user"
                ):
                    personal.add(label)
                    changed = True
                    break
    return [m for m in ours if m._meta.label_lower in personal]


def entries() -> dict[str, ModelEntry]:
    return {entry.label.lower(): entry for entry in INVENTORY}


@dataclass(frozen=True)
class Row:
    model: str
    model_name: str
    field: str
    field_name: str
    category: str
    purpose: str
    legal_basis: str
    retention: str


def register_rows() -> list[Row]:
    """The processing register, one row per field (fields of models not installed are left out)."""
    rows = []
    for entry in INVENTORY:
        try:
            model = apps.get_model(entry.label)
        except LookupError:
            continue
        for name, category in entry.fields.items():
            try:
                verbose = str(model._meta.get_field(name).verbose_name)
            except Exception:
                verbose = name
            rows.append(
                Row(
                    model=entry.label,
                    model_name=str(model._meta.verbose_name),
                    field=name,
                    field_name=verbose,
                    category=str(Category(category).label),
                    purpose=str(entry.processing.purpose),
                    legal_basis=str(Basis(entry.processing.basis).label),
                    retention=str(RETENTION[entry.retention].label),
                )
            )
    return rows
