"""Loading the shipped reference files into the database (idempotent)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from binome.reference.models import Language, Occupation, Place, Sector, normalise_for_search

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadReport:
    occupations: int
    sectors: int
    places: int
    languages: int


@transaction.atomic
def load_reference_data(data_dir: Path = DATA_DIR) -> LoadReport:
    """Insert what is missing and refresh labels; safe to run at every start."""
    naf = json.loads((data_dir / "naf_sectors_rome_codes.json").read_text(encoding="utf-8"))
    occupation_labels: dict[str, str] = {}
    for division in naf.values():
        for item in division["codes_rome"]:
            occupation_labels.setdefault(item["code"], item["libelle"])
    Occupation.objects.bulk_create(
        [
            Occupation(code=code, label=label, search_text=normalise_for_search(f"{code} {label}"))
            for code, label in sorted(occupation_labels.items())
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["label", "search_text"],
    )
    Sector.objects.bulk_create(
        [Sector(code=f"{int(code):02d}", label=division["libelle"]) for code, division in naf.items()],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["label"],
    )
    links = Sector.occupations.through
    links.objects.all().delete()
    links.objects.bulk_create(
        [
            links(sector_id=f"{int(code):02d}", occupation_id=item["code"])
            for code, division in naf.items()
            for item in {i["code"]: i for i in division["codes_rome"]}.values()
        ]
    )

    with (data_dir / "fr_places.csv").open(encoding="utf-8", newline="") as handle:
        places = [
            Place(
                geonameid=int(row["geonameid"]),
                name=row["name"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                population=int(row["population"]),
                region_code=row["admin1code"],
                search_name=normalise_for_search(row["name"]),
            )
            for row in csv.DictReader(handle)
        ]
    Place.objects.bulk_create(
        places,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["geonameid"],
        update_fields=["name", "latitude", "longitude", "population", "region_code", "search_name"],
    )

    with (data_dir / "languages.csv").open(encoding="utf-8", newline="") as handle:
        languages = [Language(**row) for row in csv.DictReader(handle)]
    Language.objects.bulk_create(
        languages, update_conflicts=True, unique_fields=["code"], update_fields=["name_en", "name_fr"]
    )
    return LoadReport(
        occupations=len(occupation_labels), sectors=len(naf), places=len(places), languages=len(languages)
    )
