"""Canary strings planted in a person's file: each is unique, so finding it anywhere is a leak."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from binome.lib.encryption.fields import decrypt
from binome.meetings.models import Alert, AlertNote, Meeting, NetworkIntroduction
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile
from binome.sourcing.models import Referral, ReferralTransition

TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-=]+")


def with_decrypted_tokens(text: str) -> str:
    """`text` followed by the plaintext of every Fernet token in it: an encrypted canary counts too."""
    plain = []
    for token in TOKEN.findall(text):
        try:
            plain.append(decrypt(token))
        except Exception:
            continue
    return text + "\n" + "\n".join(plain)


def table_dump() -> str:
    """Every row of every table of the database, as text, with encrypted values decrypted (what a
    pg_dump would show someone holding the keys)."""
    from django.db import connection

    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.append(repr(cursor.fetchall()))
    return with_decrypted_tokens("\n".join(chunks))


def canary(tag: str) -> str:
    return f"CANARY{tag.upper().replace('_', '')}X7Q"


def plant_in_mentee(profile: MenteeProfile, duo: Duo, referral: Referral, *, prefix: str) -> dict[str, str]:
    """Canaries in every sensitive and every free-text field of a mentee's file; returns field → canary."""
    planted: dict[str, str] = {}

    def put(name: str) -> str:
        planted[name] = canary(f"{prefix}{name}")
        return planted[name]

    referral.reason = put("reason")
    referral.status_reason = put("status_reason")
    referral.precheck_override = put("precheck_override")
    referral.referrer_name = put("referrer_name")
    referral.save()
    ReferralTransition.objects.create(
        referral=referral, from_status="interviewed", to_status="eligible", note=put("transition_note")
    )
    alert = Alert.objects.create(duo=duo, kind=Alert.Kind.SILENCE, raised_on=date(2026, 5, 1))
    AlertNote.objects.create(alert=alert, action="note", text=put("alert_note"))
    profile.work_experience = put("work_experience")
    profile.save()
    return planted


def plant_identity(person: Any, *, prefix: str) -> dict[str, str]:
    planted = {
        "first_name": canary(f"{prefix}first"),
        "last_name": canary(f"{prefix}last"),
        "email": f"{canary(prefix + 'mail').lower()}@example.org",
        "phone": "+33 6 99 88 77 66",
    }
    for name, value in planted.items():
        setattr(person, name, value)
    person.save()
    return planted


def plant_duo_texts(duo: Duo, *, prefix: str) -> dict[str, str]:
    planted = {
        "end_reason": canary(f"{prefix}endreason"),
        "pause_reason": canary(f"{prefix}pausereason"),
        "meeting_note": canary(f"{prefix}meetingnote"),
    }
    duo.end_reason = planted["end_reason"]
    duo.pause_reason = planted["pause_reason"]
    duo.save(update_fields=["end_reason", "pause_reason"])
    Meeting.objects.create(
        duo=duo,
        held_on=date(2026, 4, 2),
        duration_minutes=90,
        mode="in_person",
        topics=["cv"],
        note=planted["meeting_note"],
        recorded_as="mentor",
    )
    planted["introduction"] = canary(f"{prefix}intro")
    NetworkIntroduction.objects.create(
        duo=duo, introduced_on=date(2026, 4, 3), contact_role=planted["introduction"], company="Canary SA"
    )
    return planted
