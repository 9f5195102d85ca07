"""Canary strings in every sensitive field: none appears in any page, export or partial that a
role must not see, and the database holds them only as ciphertext.

The walk reuses the authorization matrix (every URL of the project, own and foreign records), so
a page added later is checked too. Paris canaries may be seen by the national admin, the Paris
coordinator and (the referral reason only) the Paris referrer who made the referral; Lyon
canaries by the national admin only (no Lyon user is among the matrix's roles).

The protection status is a choice, not free text: its canary is a rare value ("Stateless person");
a page leaks it when it shows that label without the other choices (a form listing every status
shows no one's status).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import get_resolver, reverse

from binome.people.models import MenteeProfile
from binome.portals.tests.policy_kit import users
from binome.portals.tests.test_authorization_matrix import POLICY, walk
from binome.privacy.tests.canaries import plant_duo_texts, plant_in_mentee
from conftest import Cast

pytestmark = pytest.mark.django_db

STAFF_OF_PARIS = {"national_admin", "coordinator"}
STATUS = MenteeProfile.ProtectionStatus
STATUS_CANARY = STATUS.STATELESS
OTHER_CHOICE = STATUS.TEMPORARY


def plant(cast: Cast) -> dict[str, tuple[str, set[str]]]:
    """canary → (what it is, roles allowed to see it)."""
    allowed: dict[str, tuple[str, set[str]]] = {}
    for prefix, mentee, duo, referral, roles in [
        ("paris", cast.chloe, cast.paris_duo, cast.chloe_referral, STAFF_OF_PARIS),
        ("lyon", cast.leila, cast.lyon_duo, cast.leila_referral, {"national_admin"}),
    ]:
        planted = plant_in_mentee(mentee, duo, referral, prefix=prefix)
        for name, value in planted.items():
            if name in {"work_experience", "referrer_name"}:
                continue  # not sensitive fields: the partner and the staff share them
            extra = {"referrer"} if prefix == "paris" and name == "reason" else set()
            allowed[value] = (f"{prefix} {name}", roles | extra)
    cast.chloe.protection_status = STATUS_CANARY
    cast.chloe.save(update_fields=["protection_status"])
    cast.leila.protection_status = STATUS.SUBSIDIARY
    cast.leila.save(update_fields=["protection_status"])
    return allowed


def pages(cast: Cast) -> list[tuple[str, str]]:
    """(method, url) of every page and export of the project, with own and foreign records."""
    found = []
    for route, name, _pattern in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or name is None:
            continue  # the admin is the national admin's, who may see everything
        policy = POLICY.get(name)
        if policy is None:
            continue  # the matrix test fails on it already
        found.append(("get", reverse(name, kwargs=policy.own(cast) if policy.own else {})))
        if policy.foreign:
            found.append(("get", reverse(name, kwargs=policy.foreign(cast))))
    for person in (cast.chloe.person_id, cast.leila.person_id):  # the subject-access export is a POST
        found.append(("post", reverse("privacy:person_export", kwargs={"pk": person})))
    return found


def body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    content = response.content
    if response.get("Content-Type", "").startswith("application/zip"):
        import io
        import zipfile

        archive = zipfile.ZipFile(io.BytesIO(content))
        return archive.read("data.json").decode()
    return content.decode(errors="replace")


@pytest.mark.long
def test_no_role_sees_a_sensitive_canary_it_must_not_see(cast: Cast, client_for: Any) -> None:
    allowed = plant(cast)
    status_label, other_label = str(STATUS_CANARY.label), str(OTHER_CHOICE.label)
    role_users = users(cast)
    leaks: list[str] = []
    seen_by_allowed: set[str] = set()
    cases = 0
    for method, url in pages(cast):
        for role, user in role_users.items():
            client = client_for(user)
            response = getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="en")
            text = body(response)
            cases += 1
            for value, (what, roles) in allowed.items():
                if value in text:
                    if role in roles:
                        seen_by_allowed.add(value)
                    else:
                        leaks.append(f"{role} {method.upper()} {url}: {what}")
            if status_label in text and other_label not in text:
                if role in STAFF_OF_PARIS:
                    seen_by_allowed.add("status")
                else:
                    leaks.append(f"{role} {method.upper()} {url}: Paris protection status")
    print(f"canaries: {len(allowed) + 1} canaries, {cases} page × role cases, {len(leaks)} leaks")
    assert not leaks, "\n".join(leaks)
    # The walk reaches the pages that show them (so the absence above means something).
    assert "status" in seen_by_allowed
    assert {v for v, (what, _r) in allowed.items() if what.startswith("paris")} <= seen_by_allowed


def test_the_database_holds_the_sensitive_fields_as_ciphertext_only(cast: Cast) -> None:
    canaries = set(plant(cast)) | set(plant_duo_texts(cast.paris_duo, prefix="db").values())
    columns = [
        ("people_menteeprofile", "protection_status"),
        ("sourcing_referral", "reason"),
        ("sourcing_referral", "status_reason"),
        ("sourcing_referral", "precheck_override"),
        ("sourcing_referraltransition", "note"),
        ("meetings_alertnote", "text"),
        ("pairing_duo", "end_reason"),
        ("pairing_duo", "pause_reason"),
        ("meetings_meeting", "note"),
    ]
    with connection.cursor() as cursor:
        for table, column in columns:
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
            values = [row[0] for row in cursor.fetchall()]
            assert values, f"{table}.{column} has no row to check"
            assert all(v.startswith("gAAAAA") for v in values), f"{table}.{column} holds plaintext"
            raw = "\n".join(values)
            assert not [c for c in canaries if c in raw]
            assert STATUS_CANARY.value not in raw
