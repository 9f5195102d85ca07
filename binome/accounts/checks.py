"""Deploy checks: `manage.py check --deploy` fails on settings that must never reach production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_off_in_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.DEMO_MODE:
        return [
            Error(
                "DEMO_MODE is on: demo accounts with a published password skip two-factor authentication.",
                hint="Set DEMO_MODE=0 (and DEBUG=0) in production.",
                id="binome.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def second_factor_enforced(app_configs: Any, **kwargs: Any) -> list[Error]:
    if "binome.accounts.middleware.RequireMFAMiddleware" not in settings.MIDDLEWARE:
        return [Error("RequireMFAMiddleware is missing from MIDDLEWARE.", id="binome.E002")]
    return []
