"""Each question type accepts what it should and refuses the rest with a clear message."""

from __future__ import annotations

from typing import Any

import pytest

from binome.surveys.answers import AnswerError, is_shown, parse, visible
from binome.surveys.models import Question

CHOICES = [{"key": "yes", "label": {"fr": "Oui", "en": "Yes"}}, {"key": "no", "label": {"fr": "Non", "en": "No"}}]


def question(kind: str, **extra: Any) -> Question:
    return Question(key="k", kind=kind, label={"en": "?"}, **extra)


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "expected"),
    [
        ("single", {"choices": CHOICES}, ["yes"], "yes"),
        ("single", {"choices": CHOICES}, [""], None),
        ("multiple", {"choices": CHOICES}, ["no", "yes", "no"], ["yes", "no"]),
        ("multiple", {"choices": CHOICES}, [], None),
        ("scale", {"min_value": 1, "max_value": 5}, ["4"], 4),
        ("number", {"min_value": 0, "max_value": 100}, ["12"], 12),
        ("number", {"min_value": 0, "max_value": 100}, [" 2,5 "], 2.5),
        ("number", {}, ["-3"], -3),
        ("date", {}, ["2026-03-31"], "2026-03-31"),
        ("date", {}, ["31/03/2026"], "2026-03-31"),
        ("short_text", {}, ["  Boulangerie  "], "Boulangerie"),
        ("long_text", {}, ["Line one\nline two"], "Line one\nline two"),
        ("long_text", {}, ["   "], None),
        ("short_text", {}, ["a\x00b"], "ab"),  # PostgreSQL's jsonb cannot hold NUL
    ],
)
def test_valid_answers_are_stored_in_a_plain_form(
    kind: str, extra: dict[str, Any], raw: list[str], expected: Any
) -> None:
    assert parse(question(kind, **extra), raw) == expected


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "message"),
    [
        ("single", {"choices": CHOICES}, ["maybe"], "Choose from the list."),
        ("multiple", {"choices": CHOICES}, ["yes", "hacked"], "Choose from the list."),
        ("scale", {"min_value": 1, "max_value": 5}, ["6"], "Enter a number between 1 and 5."),
        ("scale", {"min_value": 1, "max_value": 5}, ["2.5"], "Enter a number between 1 and 5."),
        ("scale", {"min_value": 1, "max_value": 5}, ["abc"], "Enter a number."),
        ("number", {"min_value": 0, "max_value": 100}, ["-1"], "Enter a number between 0 and 100."),
        ("number", {"min_value": 0}, ["-1"], "Enter a number of at least 0."),
        ("number", {"max_value": 10}, ["11"], "Enter a number of at most 10."),
        ("number", {}, ["nan"], "Enter a number."),
        ("number", {}, ["1e999"], "Enter a number."),
        ("number", {}, ["twelve"], "Enter a number."),
        ("date", {}, ["31-03-2026"], "Enter a date like 31/01/2026."),
        ("date", {}, ["2026-02-30"], "This date does not exist."),
        ("date", {}, ["1066-10-14"], "Enter a date like 31/01/2026."),
        ("short_text", {}, ["x" * 201], "Keep it under 200 characters."),
        ("long_text", {}, ["x" * 5001], "Keep it under 5000 characters."),
    ],
)
def test_invalid_answers_are_refused_with_a_clear_message(
    kind: str, extra: dict[str, Any], raw: list[str], message: str
) -> None:
    with pytest.raises(AnswerError) as error:
        parse(question(kind, **extra), raw)
    assert str(error.value) == message


def test_a_question_shows_only_when_its_condition_holds() -> None:
    follow = Question(key="which", kind="multiple", show_if={"key": "had", "equals": "yes"})
    assert not is_shown(follow, {})
    assert not is_shown(follow, {"had": "no"})
    assert is_shown(follow, {"had": "yes"})
    among = Question(key="x", kind="short_text", show_if={"key": "which", "in": ["cdi", "cdd"]})
    assert is_shown(among, {"which": ["internship", "cdd"]})  # any chosen key
    assert not is_shown(among, {"which": ["internship"]})


def test_a_question_hidden_by_a_hidden_question_is_hidden_too() -> None:
    had = Question(key="had", kind="single", choices=CHOICES)
    which = Question(key="which", kind="single", show_if={"key": "had", "equals": "yes"})
    when = Question(key="when", kind="date", show_if={"key": "which", "equals": "cdi"})
    shown = visible([had, which, when], {"had": "no", "which": "cdi"})  # a stale answer to "which"
    assert [q.key for q in shown] == ["had"]
    assert [q.key for q in visible([had, which, when], {"had": "yes", "which": "cdi"})] == ["had", "which", "when"]
