"""Who acted, as the records store it."""

from __future__ import annotations

from typing import Any


def signed_in(actor: Any) -> Any:
    """The user who acted if they are signed in; None for an anonymous visitor or the system
    (a command, a scheduled job, the seed), which the records store as "no one"."""
    return actor if getattr(actor, "is_authenticated", False) else None
