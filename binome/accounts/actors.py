"""Who acted, as the records store it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from binome.accounts.models import User

# The account that did something, or None for the system (a command, a scheduled job, the seed)
# or an anonymous visitor: what every write of personal data records as who acted.
type Actor = User | None


def signed_in(actor: Any) -> Actor:
    """The user who acted if they are signed in; None for an anonymous visitor or the system."""
    return actor if getattr(actor, "is_authenticated", False) else None
