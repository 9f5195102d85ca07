from django import template

register = template.Library()

SMALL_CELL = 5


@register.filter
def small_cell(value: int) -> str:
    """Aggregate counts under 5 could identify someone: show them as '<5' (0 stays 0)."""
    return "<5" if 0 < value < SMALL_CELL else str(value)
