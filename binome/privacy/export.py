"""Subject-access export (GDPR art. 15): a ZIP with all and only one person's data, as JSON and
as a readable PDF. The fields come from the inventory, so a field added there is exported too;
links to other people (the other member of a duo, staff who acted) are left out or kept as ids.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from binome.accounts.models import User
from binome.cohorts.models import WorkshopInvitation
from binome.meetings.models import Meeting, NetworkIntroduction
from binome.pairing.models import Duo
from binome.people.models import Person
from binome.privacy.inventory import Category, entries
from binome.privacy.selectors import access_history
from binome.sourcing.models import Consent, Referral, ReferralTransition

# Fields that point at other people or that only say who of the staff acted: not this person's data.
OTHER_PEOPLE = {Category.SECURITY}


def _value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def _row(instance: models.Model, skip: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    entry = entries()[instance._meta.label_lower]
    data: dict[str, Any] = {}
    for name, category in entry.fields.items():
        if name in skip or category in OTHER_PEOPLE:
            continue
        field: Any = instance._meta.get_field(name)
        if field.many_to_many:
            data[name] = [str(obj) for obj in getattr(instance, name).all()]
        elif field.is_relation:
            related = getattr(instance, name)
            data[name] = (
                str(related)
                if related is not None and category != Category.REFERENCE
                else _value(getattr(instance, field.attname))
            )
        else:
            display = getattr(instance, f"get_{name}_display", None)
            data[name] = str(display()) if display and getattr(instance, name) else _value(getattr(instance, name))
    return data


def _rows(queryset: Any, skip: set[str] = frozenset()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    return [_row(obj, skip) for obj in queryset]


def _optional(label: str) -> Any:

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def person_data(person: Person) -> dict[str, Any]:
    """Everything the programme holds about `person`, section by section."""

    mentee = getattr(person, "mentee_profile", None)
    mentor = getattr(person, "mentor_profile", None)
    duos = Duo.objects.filter(Q(mentee__person=person) | Q(mentor__person=person)).order_by("started_on", "pk")
    duo_ids = list(duos.values_list("pk", flat=True))
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "person": _row(person, skip={"name_key"}),
        "languages": _rows(person.languages.select_related("language")),
        "mentee_profile": _row(mentee) if mentee else None,
        "mentor_profile": _row(mentor) if mentor else None,
        "consents": _rows(Consent.objects.filter(person=person).select_related("text")),
        "referrals": _rows(Referral.objects.filter(person=person).select_related("partner", "cohort")),
        "referral_history": _rows(ReferralTransition.objects.filter(referral__person=person)),
        # The other member appears only as the duo's id: their data is theirs.
        "duos": _rows(duos.select_related("cohort"), skip={"mentor", "mentee", "proposal"}),
        "meetings": _rows(Meeting.objects.filter(duo_id__in=duo_ids)),
        "introductions": _rows(NetworkIntroduction.objects.filter(duo_id__in=duo_ids).select_related("sector")),
        "workshops": _rows(WorkshopInvitation.objects.filter(person=person).select_related("workshop")),
        "accounts": [
            {"email": u.email, "date_joined": _value(u.date_joined), "last_login": _value(u.last_login)}
            for u in User.objects.filter(roles__person=person).distinct()
        ],
    }
    for label, key in [
        ("surveys.Invitation", "survey_invitations"),
        ("impact.Outcome", "outcomes"),
        ("impact.NetworkReport", "network_reports"),
        ("events.EventRegistration", "event_registrations"),
    ]:
        model = _optional(label)
        if model is not None and label.lower() in entries():
            data[key] = _rows(model.objects.filter(person=person))
    answer = _optional("surveys.Answer")
    if answer is not None:
        data["survey_answers"] = [
            {"question": str(a.question_id), "value": _value(a.value), "saved_at": _value(a.saved_at)}
            for a in answer.objects.filter(response__invitation__person=person)
        ]
    data["access_history"] = [
        {"at": _value(e.at), "action": e.verb, "record": f"{e.target_type}#{e.target_id}"}
        for e in access_history(person)
    ]
    return data


def build_zip(person: Person, *, language: str = "fr") -> bytes:
    """The ZIP: data.json (machine-readable) and data.pdf (readable), nothing else."""
    from weasyprint import HTML

    data = person_data(person)
    payload = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    html = render_to_string("portals/privacy/export_pdf.html", {"data": data, "person": person})
    pdf = HTML(string=html).write_pdf()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", payload)
        archive.writestr("data.pdf", pdf)
    return buffer.getvalue()
