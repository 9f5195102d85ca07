"""Living with SQLite's single writer: short writes retried while another process holds the lock.

The embedded default (config/settings.py) runs SQLite in WAL mode with IMMEDIATE transactions and a
5 s busy timeout: a write waits up to 5 s for the lock, then fails with `OperationalError: database
is locked`. A burst of work (the web process publishing a calendar while the worker sends) can keep
the lock busy for longer; the writes that must not be lost (a task's receipt, a message's "sent")
go through `when_unlocked`, which tries again with a growing pause. PostgreSQL never answers this
way for these writes, so there the retry never runs.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable

from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)

# Pauses between tries, in seconds: 0.2, 0.4, 0.8… up to MAX_PAUSE (each try itself waits the busy timeout).
FIRST_PAUSE = 0.2
MAX_PAUSE = 10.0


def is_locked(error: BaseException) -> bool:
    """A "database is locked" / "table is locked" (SQLite) or lock-wait timeout (MySQL) answer."""
    if not isinstance(error, OperationalError) or not error.args:
        return False
    first = error.args[0]
    return (isinstance(first, str) and "is locked" in first.lower()) or first == 1205


def pause(attempt: int, *, first: float = FIRST_PAUSE, cap: float = MAX_PAUSE) -> float:
    """Exponential backoff with jitter: two writers that collided don't collide again."""
    return min(cap, first * 2 ** (attempt - 1)) * (0.75 + random.random() / 2)  # nosec B311


def when_unlocked[T](write: Callable[[], T], *, attempts: int = 12) -> T:
    """Run `write` in its own (short) transaction; while the database is locked, wait and try again
    (about a minute and a half in all before giving up with the last error)."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return write()
        except OperationalError as error:
            if not is_locked(error) or attempt == attempts:
                raise
            logger.warning("Database locked (try %s of %s): waiting before writing again.", attempt, attempts)
            time.sleep(pause(attempt))
    raise AssertionError("unreachable")  # pragma: no cover
