"""Reference data: occupations (ROME), sectors (NAF), places, languages, CEFR levels.

Loaded from files shipped in `binome/reference/data/`; never edited through the app.
"""

from __future__ import annotations

import math
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

from binome.reference.labels import REGIONS, ROME_DOMAINS


def normalise_for_search(text: str) -> str:
    """Lower-case, accent-free, hyphen-free: 'Saint-Étienne' is found by 'saint etienne'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("-", " ").replace("'", " ").split())


class CefrLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    NATIVE = "native", _("Native")

    @classmethod
    def rank(cls, level: str) -> int:
        """Order of a level, so 'at least B1' is a comparison: A1=1 … C2=6, native=7."""
        return [c.value for c in cls].index(level) + 1

    @classmethod
    def at_least(cls, level: str) -> list[str]:
        return [c.value for c in cls if cls.rank(c.value) >= cls.rank(level)]


class Occupation(models.Model):
    """A ROME occupation: 5 characters; the first is the domain, the first three the family."""

    code = models.CharField(max_length=5, primary_key=True)
    label = models.CharField(max_length=200)
    search_text = models.CharField(max_length=220, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.label}"

    @property
    def domain(self) -> str:
        return self.code[0]

    @property
    def family(self) -> str:
        return self.code[:3]

    @property
    def domain_label(self) -> str:
        return str(ROME_DOMAINS.get(self.domain, self.domain))


class Sector(models.Model):
    """A NAF division (two digits) and the ROME occupations France Travail links to it."""

    code = models.CharField(max_length=2, primary_key=True)
    label = models.CharField(max_length=200)
    occupations = models.ManyToManyField(Occupation, related_name="sectors", blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.label}"


class Place(models.Model):
    """A populated place of France (GeoNames), with coordinates for distances."""

    geonameid = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(max_length=200)
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveIntegerField()
    region_code = models.CharField(max_length=3)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        ordering = ["-population", "name"]

    def __str__(self) -> str:
        region = REGIONS.get(self.region_code)
        return f"{self.name} ({region})" if region else self.name

    @property
    def region(self) -> str:
        return REGIONS.get(self.region_code, "")

    def km_to(self, other: Place) -> float:
        """Great-circle (haversine) distance: good to a few hundred metres at the scale of a city."""
        lat1, lon1, lat2, lon2 = map(math.radians, (self.latitude, self.longitude, other.latitude, other.longitude))
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 6371 * 2 * math.asin(math.sqrt(h))


class Language(models.Model):
    """An ISO 639 language (639-1 code where one exists, else 639-3)."""

    code = models.CharField(max_length=3, primary_key=True)
    name_en = models.CharField(max_length=80)
    name_fr = models.CharField(max_length=80)

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_fr if (get_language() or "fr").startswith("fr") else self.name_en
