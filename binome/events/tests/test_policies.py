"""The relations and events policies, checked on their own (the full matrix walks every URL)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from binome.portals.tests.policies.events import POLICY
from binome.portals.tests.policy_kit import on_url, users
from conftest import Cast


def test_every_relations_and_events_page_answers_each_role_as_its_policy_says(cast: Cast, client_for: Any) -> None:
    role_users = users(cast)
    mismatches, cases = [], 0
    for name, policy in POLICY.items():
        own = policy.own(cast) if policy.own else {}
        urls = [(reverse(name, kwargs=own), own, policy.expected)]
        if policy.foreign:
            foreign = policy.foreign(cast)
            urls.append((reverse(name, kwargs=foreign), foreign, policy.expected_foreign))
        for url, kwargs, expected in urls:
            for role, policy_code in expected.items():
                code = on_url(policy_code, kwargs)
                cases += 1
                got = client_for(role_users[role]).get(url).status_code
                if got != code:
                    mismatches.append(f"{role} GET {url}: expected {code}, got {got}")
    assert not mismatches, "\n".join(mismatches)
    assert cases == 8 * (len(POLICY) + sum(1 for p in POLICY.values() if p.foreign))
