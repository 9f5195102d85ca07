"""Rules for changing an instrument's questions, as pure functions over question specs (dicts with
the fields of `Question.signature()`). The services apply them before any write.

Two kinds of rule: a question must make sense on its own (texts in the languages its audience
reads, choices for a choice question, a scale with bounds, a condition on an earlier choice
question), and a change must not cut a figure off from its source: the outcome feed and the KPI
selectors read answers by key, so those questions keep their key, type and choice keys.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from binome.surveys.models import Audience, QuestionKind

K = QuestionKind
CHOICE_KINDS = {K.SINGLE, K.MULTIPLE}
LANGUAGES = ("fr", "en", "ar")
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
CHOICE_KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")  # "A1", "B2" for French levels
MAX_SCALE_POINTS = 11  # 0 to 10: more radio buttons than that do not fit on a phone

# Answers read by key outside the survey pages: the outcome feed (surveys/selectors.outcome_answers,
# impact/survey_outcomes.SKILL_KEYS) and the duo check-in alert (surveys/selectors.CHECKIN_KEY). A test
# keeps this list in step with them.
READ_BY_KEY = frozenset(
    {
        "employment_status",
        "contract_type",
        "had_opportunity",
        "opportunity_types",
        "opportunity_date",
        "opportunity_sector",
        "job_interviews",
        "network_contacts",
        "duo_checkin",
        "listening",
        "feedback",
        "adaptability",
        "intercultural_ease",
        "explain_codes",
    }
)

Errors = dict[str, dict[str, list[str]]]  # question key (or "" for the list) -> field -> messages


def languages_required(audience: str) -> tuple[str, ...]:
    """Mentees read French, English or Arabic; mentors and staff read French."""
    return LANGUAGES if audience == Audience.MENTEE else ("fr",)


def _missing_languages(texts: dict[str, str] | None, wanted: tuple[str, ...]) -> list[str]:
    texts = texts or {}
    return [lang for lang in wanted if not str(texts.get(lang, "")).strip()]


def _language_message(missing: list[str]) -> str:
    names = {"fr": _("French"), "en": _("English"), "ar": _("Arabic")}
    return _("Write it in: %(languages)s.") % {"languages": ", ".join(names[lang] for lang in missing)}


def question_errors(spec: dict[str, Any], earlier: list[dict[str, Any]], audience: str) -> dict[str, list[str]]:
    """What is wrong with one question, given the questions before it; field -> messages."""
    errors: dict[str, list[str]] = {}
    wanted = languages_required(audience)

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not KEY_PATTERN.fullmatch(spec.get("key") or ""):
        add("key", _("Use lowercase letters, digits and _ (starting with a letter, at most 40)."))
    if spec.get("kind") not in K.values:
        add("kind", _("Choose a type."))
    missing = _missing_languages(spec.get("label"), wanted)
    if missing:
        add("label", _language_message(missing))
    kind = spec.get("kind")
    choices = spec.get("choices") or []
    if kind in CHOICE_KINDS:
        keys = [c.get("key", "") for c in choices]
        if len(choices) < 2:
            add("choices", _("A choice question needs at least two choices."))
        if any(not CHOICE_KEY_PATTERN.fullmatch(key) for key in keys):
            add("choices", _("Each choice starts with its key: letters, digits, - and _ (at most 40)."))
        if len(set(keys)) != len(keys):
            add("choices", _("Two choices have the same key."))
        if any(_missing_languages(c.get("label"), wanted) for c in choices):
            add("choices", _language_message(list(wanted)))
    elif choices:
        add("choices", _("Only single and multiple choice questions have choices."))
    low, high = spec.get("min_value"), spec.get("max_value")
    if kind == K.SCALE:
        if low is None or high is None:
            add("max_value", _("A scale needs its lowest and highest value."))
        elif high <= low:
            add("max_value", _("The highest value must be above the lowest."))
        elif high - low + 1 > MAX_SCALE_POINTS:
            add("max_value", _("A scale has at most %(n)s points.") % {"n": MAX_SCALE_POINTS})
    elif kind == K.NUMBER and low is not None and high is not None and high < low:
        add("max_value", _("The highest value must not be below the lowest."))
    rule = spec.get("show_if")
    if rule:
        source = next((q for q in earlier if q.get("key") == rule.get("key")), None)
        expected = [rule["equals"]] if "equals" in rule else list(rule.get("in") or [])
        if source is None or source.get("kind") not in CHOICE_KINDS:
            add("show_if", _("A condition depends on a choice question placed before this one."))
        elif not expected or any(value not in {c["key"] for c in source.get("choices") or []} for value in expected):
            add("show_if", _("Use the keys of that question's choices."))
    return errors


def list_errors(audience: str, questions: list[dict[str, Any]], previous: list[dict[str, Any]]) -> Errors:
    """Everything wrong with a whole list of questions replacing `previous`."""
    found: Errors = {}
    keys = [q.get("key") for q in questions]
    for index, spec in enumerate(questions):
        errors = question_errors(spec, questions[:index], audience)
        if keys.count(spec.get("key")) > 1:
            errors.setdefault("key", []).append(_("Another question already has this key."))
        if errors:
            found[spec.get("key") or ""] = errors
    before = {q["key"]: q for q in previous}
    now = {q.get("key"): q for q in questions}
    for key, old in before.items():
        if key not in READ_BY_KEY:
            continue
        new = now.get(key)
        if new is None:
            found.setdefault("", {}).setdefault("__all__", []).append(
                _("“%(key)s” feeds the impact figures: change its texts, but keep the question.") % {"key": key}
            )
            continue
        if new.get("kind") != old.get("kind"):
            found.setdefault(key, {}).setdefault("kind", []).append(
                _("This question feeds the impact figures: its type stays the same.")
            )
        dropped = {c["key"] for c in old.get("choices") or []} - {c.get("key") for c in new.get("choices") or []}
        if dropped:
            found.setdefault(key, {}).setdefault("choices", []).append(
                _("This question feeds the impact figures: keep the choices %(keys)s (their texts may change).")
                % {"keys": ", ".join(sorted(dropped))}
            )
    return found


def without_order(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Specs numbered by their place in the list (the services number them 10, 20, …)."""
    return [{k: v for k, v in q.items() if k != "order"} for q in questions]


def moved(questions: list[dict[str, Any]], key: str, step: int) -> list[dict[str, Any]]:
    """The list with question `key` moved one place up (step -1) or down (+1); unchanged at an end."""
    keys = [q["key"] for q in questions]
    index = keys.index(key)
    target = index + step
    if not 0 <= target < len(questions):
        return list(questions)
    result = list(questions)
    result[index], result[target] = result[target], result[index]
    return result
