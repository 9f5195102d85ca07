"""The impact pages against their policies, on their own (the full matrix runs every area)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from binome.portals.tests.policies.impact import POLICY
from binome.portals.tests.policy_kit import on_url, users

pytestmark = pytest.mark.django_db


def test_impact_pages_follow_their_policies(cast, client_for: Any) -> None:
    role_users = users(cast)
    mismatches = []
    for name, policy in POLICY.items():
        own = policy.own(cast) if policy.own else {}
        urls = [(reverse(name, kwargs=own), own, policy.expected)]
        if policy.foreign:
            foreign = policy.foreign(cast)
            urls.append((reverse(name, kwargs=foreign), foreign, policy.expected_foreign))
        for url, kwargs, expected in urls:
            for role, policy_code in expected.items():
                code = on_url(policy_code, kwargs)
                got = client_for(role_users[role]).get(url, HTTP_ACCEPT_LANGUAGE="en").status_code
                if got != code:
                    mismatches.append((name, role, url, code, got))
    assert not mismatches
