"""Builders for referral spreadsheets in the tests and the benchmark."""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections.abc import Sequence
from typing import Any

from binome.sourcing.importing.columns import COLUMNS
from binome.sourcing.models import ConsentText

HEADERS_FR = [column.headers[0] for column in COLUMNS]
KEYS = [column.key for column in COLUMNS]

FIRST = ["Amina", "Omar", "Fatou", "Yonas", "Leïla", "Ahmad", "Mariam", "Hassan", "Nour", "Tesfaye", "Zainab",
         "Mamadou", "Aïcha", "Karim", "Olena", "Dmytro", "Rahel", "Samir", "Hawa", "Idriss"]  # fmt: skip
LAST = ["Diallo", "Haddad", "Nassar", "Tesfay", "Karimi", "Bah", "Camara", "Sow", "Hussaini",
        "Yilmaz", "Kovalenko", "Abdi", "Mahamat", "Ndiaye", "Rahimi", "Saleh", "Kebede", "Traoré",
        "Barry", "Mansour"]  # fmt: skip
COUNTRIES = ["SY", "AF", "ER", "SD", "GN", "UA", "Soudan", "Afghanistan", "Érythrée", "Syria"]
STATUSES = ["réfugié", "protection subsidiaire", "refugee", "protection temporaire", "apatride", "demandeur d'asile"]
LEVELS = ["A1", "A2", "B1", "B2", "C1"]
PLACES = ["Paris", "Saint-Denis 93200", "Créteil", "Nanterre", "Vitry-sur-Seine", "Argenteuil", "Aubervilliers"]
ROME = ["K2204", "G1602", "N1103", "M1805", "F1703", "H2909", "J1501", "K1302"]
LANGS = ["ar:native", "ps:native|en:B1", "ti:native|ar:A2", "uk:native|en:B2", "fa:native", "ff:native|en:A1"]


def ensure_consent_text() -> ConsentText:
    text, _created = ConsentText.objects.get_or_create(
        version="test-2026",
        defaults={"in_force_from": datetime.date(2026, 1, 1), "body_fr": "…", "body_en": "…", "body_ar": "…"},
    )
    return text


def example_row(index: int, rng: random.Random | None = None) -> dict[str, str]:
    """A realistic, valid row; `index` makes its identity unique (phone and email)."""
    rng = rng or random.Random(index)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    # Distinct birth dates (7919 is prime to 13,870), so no two rows share a name and a date of birth.
    born = datetime.date(1965, 1, 1) + datetime.timedelta(days=index * 7919 % 13_870)
    arrived = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 10))
    return {
        "first_name": first,
        "last_name": last,
        "date_of_birth": born.strftime("%d/%m/%Y") if index % 2 else born.isoformat(),
        "gender": rng.choice(["F", "M", "femme", "homme", ""]),
        "email": f"{first.lower().replace('ï', 'i')}.{last.lower().replace('é', 'e')}.{index}@example.org",
        "phone": f"06 {index // 1000000 % 100:02d} {index // 10000 % 100:02d} {index // 100 % 100:02d} "
        f"{index % 100:02d}",
        "country_of_origin": rng.choice(COUNTRIES),
        "protection_status": rng.choice(STATUSES),
        "right_to_work": rng.choice(["oui", "oui", "non", ""]),
        "arrival_date": arrived.strftime("%d/%m/%Y"),
        "french_level": rng.choice(LEVELS),
        "home": rng.choice(PLACES),
        "target_occupations": "|".join(rng.sample(ROME, rng.randint(1, 3))),
        "languages": rng.choice(LANGS),
        "available_six_months": rng.choice(["oui", "non", ""]),
        "reason": "Cherche un emploi stable ; parle déjà un peu français.",
        "consent_date": "02/11/2026" if index % 3 else "2026-10-15",
        "referrer_name": "Farah Benali",
        "referrer_email": "farah@paris-ngo.test",
    }


def csv_bytes(
    rows: Sequence[dict[str, str]],
    *,
    delimiter: str = ";",
    encoding: str = "cp1252",
    headers: Sequence[str] | None = None,
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers or HEADERS_FR)
    for row in rows:
        writer.writerow([row.get(key, "") for key in KEYS])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[dict[str, str]], *, headers: Sequence[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(headers or HEADERS_FR))
    for row in rows:
        cells: list[object] = [row.get(key, "") for key in KEYS]
        # Excel users type dates as dates: store the date of birth as a real date cell.
        born = row.get("date_of_birth", "")
        if born and "-" in born:
            cells[KEYS.index("date_of_birth")] = datetime.datetime.fromisoformat(born)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def accept_columns(client: Any, preview_url: str, capture: Any, worker: Any) -> Any:
    """The mapping step as the page proposes it ("Check the file with these columns"), then the
    worker's check. A file that could not be read has no mapping step: nothing to post."""
    page = client.get(preview_url)
    form = (page.context or {}).get("form") if page.status_code == 200 else None
    if form is None or "columns" not in page.context:
        return page
    data = {"map": "1"} | {name: form[name].value() or "" for name in form.fields}
    with capture(execute=True):
        response = client.post(preview_url, data)
    worker()
    return response
