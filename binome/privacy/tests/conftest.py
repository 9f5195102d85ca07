from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Service errors are asserted on their English source text; pages keep their own language
    (the locale middleware picks it per request: French by default)."""
    with translation.override("en"):
        yield
