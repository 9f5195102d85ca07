"""Searches behind the reference pickers."""

from __future__ import annotations

from django.db.models import QuerySet

from binome.lib.collation import sort_key
from binome.reference.models import Language, Occupation, Place, normalise_for_search

PICKER_LIMIT = 15


def search_occupations(query: str, *, limit: int = PICKER_LIMIT) -> QuerySet[Occupation]:
    """Occupations whose code or label contains every word of the query."""
    words = normalise_for_search(query).split()
    if not words:
        return Occupation.objects.none()
    queryset = Occupation.objects.all()
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset.order_by("code")[:limit]


def search_places(query: str, *, limit: int = PICKER_LIMIT) -> QuerySet[Place]:
    """Places whose name starts with the query, largest first (Paris before Paris-l'Hôpital)."""
    needle = normalise_for_search(query)
    if not needle:
        return Place.objects.none()
    return Place.objects.filter(search_name__startswith=needle).order_by("-population", "name")[:limit]


def language_choices() -> list[tuple[str, str]]:
    """Every language as (code, name), named and sorted in the active language, accents aside:
    in French "Allemand, Amharique, Anglais, Arabe…", in English "Albanian, Amharic, Arabic…"."""
    named = [(language.code, str(language)) for language in Language.objects.all()]
    return sorted(named, key=lambda choice: sort_key(choice[1]))
