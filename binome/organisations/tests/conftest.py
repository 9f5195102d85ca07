from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Service errors are asserted on their English source text; pages set their own language."""
    with translation.override("en"):
        yield
