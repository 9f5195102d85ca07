"""Filters of the subject-access export's PDF."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def section_title(key: str) -> str:
    return str(key).replace("_", " ").capitalize()


@register.filter
def is_list(value: Any) -> bool:
    return isinstance(value, list)
