"""A record id read from a query string or a ticked box is ASCII digits that fit a primary key."""

from __future__ import annotations

import pytest

from binome.lib.forms import record_id, record_ids


@pytest.mark.parametrize("text", ["²", "٣", "１２", "-1", "1.0", " 1", "", "9" * 19, None, 12])
def test_what_is_not_an_id_is_none(text: object) -> None:
    assert record_id(text) is None


def test_ids_are_read_sorted_and_once() -> None:
    assert record_id("0042") == 42
    assert record_ids(["12", "²", "3", "12", "9" * 32, "x"]) == [3, 12]
