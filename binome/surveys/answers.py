"""Reading answers from a form post, one question type at a time, and conditional display.

Pure functions: no database writes. `parse(question, raw)` turns the posted strings into the
stored JSON value (or None for "no answer") or raises AnswerError with a message for the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from binome.surveys.models import Question, QuestionKind

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
K = QuestionKind


class AnswerError(ValueError):
    pass


def field_name(question: Question) -> str:
    return f"q_{question.key}"


def _bounds_message(question: Question) -> str:
    low, high = question.min_value, question.max_value
    if low is not None and high is not None:
        return _("Enter a number between %(min)s and %(max)s.") % {"min": low, "max": high}
    if low is not None:
        return _("Enter a number of at least %(min)s.") % {"min": low}
    return _("Enter a number of at most %(max)s.") % {"max": high}


def _in_bounds(question: Question, number: float) -> bool:
    return (question.min_value is None or number >= question.min_value) and (
        question.max_value is None or number <= question.max_value
    )


def _parse_date(text: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or None
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        if not match:
            raise AnswerError(_("Enter a date like 31/01/2026."))
        day, month, year = (int(g) for g in match.groups())
    try:
        value = date(year, month, day)
    except ValueError as error:
        raise AnswerError(_("This date does not exist.")) from error
    if not 1950 <= value.year <= 2100:
        raise AnswerError(_("Enter a date like 31/01/2026."))
    return value.isoformat()


def parse(question: Question, raw: list[str]) -> Any:
    """The value to store for what was posted for `question`; None when left empty."""
    # NUL cannot be stored in PostgreSQL's jsonb; nobody types it.
    values = [v.replace("\x00", "").strip() for v in raw if v is not None and v.replace("\x00", "").strip()]
    if question.kind == K.MULTIPLE:
        allowed = question.choice_keys()
        if any(v not in allowed for v in values):
            raise AnswerError(_("Choose from the list."))
        chosen = [c["key"] for c in question.choices if c["key"] in values]  # the form's order, no repeats
        return chosen or None
    if not values:
        return None
    text = values[0]
    if question.kind == K.SINGLE:
        if text not in question.choice_keys():
            raise AnswerError(_("Choose from the list."))
        return text
    if question.kind in (K.SCALE, K.NUMBER):
        try:
            number = float(text.replace(",", ".").replace(" ", ""))
        except ValueError as error:
            raise AnswerError(_("Enter a number.")) from error
        if number != number or number in (float("inf"), float("-inf")):  # NaN, infinities
            raise AnswerError(_("Enter a number."))
        if question.kind == K.SCALE and not number.is_integer():
            raise AnswerError(_bounds_message(question))
        if not _in_bounds(question, number):
            raise AnswerError(_bounds_message(question))
        return int(number) if number.is_integer() else number
    if question.kind == K.DATE:
        return _parse_date(text)
    limit = SHORT_TEXT_MAX if question.kind == K.SHORT_TEXT else LONG_TEXT_MAX
    if len(text) > limit:
        raise AnswerError(_("Keep it under %(limit)s characters.") % {"limit": limit})
    return text


def is_shown(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether `question` is shown, given the answers so far (by question key)."""
    rule = question.show_if
    if not rule:
        return True
    given = answers.get(rule.get("key", ""))
    if given is None:
        return False
    expected: list[Any] = [rule["equals"]] if "equals" in rule else list(rule.get("in", []))
    if isinstance(given, list):
        return any(g in expected for g in given)
    return given in expected


def visible(questions: Iterable[Question], answers: Mapping[str, Any]) -> list[Question]:
    """Questions shown in order; a question hidden by a hidden question is hidden too."""
    shown: list[Question] = []
    kept: dict[str, Any] = {}
    for question in questions:
        if is_shown(question, kept):
            shown.append(question)
            if question.key in answers:
                kept[question.key] = answers[question.key]
    return shown


def display(question: Question, value: Any) -> str:
    """An answer as text for staff pages."""
    if value is None:
        return ""
    labels = dict(question.choice_options())
    if question.kind == K.MULTIPLE:
        return ", ".join(labels.get(v, v) for v in value)
    if question.kind == K.SINGLE:
        return labels.get(value, str(value))
    return str(value)
