"""An NGO's own referral spreadsheet: its headers, its words, its dates (not Binôme's template).

`ngo_spreadsheet()` writes an 80-row XLSX as a partner association keeps it: French headers of
its own ("Nom", "Prénom", "Tél", "Nationalité", "Situation administrative", "Métier recherché",
"Langues parlées"…), nationalities as adjectives ("afghane", "soudanais", "RDC"), languages by
their French names ("dari, anglais"), French levels in words ("débutant", "courant"), job titles
instead of ROME codes, and dates as dd/mm/yyyy (date cells with that format, and typed text for
the arrival). `bad=k` makes exactly k rows wrong, one problem each, in the order of `BAD_KINDS`;
`date1904=True` writes it with the 1904 date system of old Mac Excel files.

Used by the import tests and by the lead's browser journey (upload it: 5 bad rows reported,
nothing saved; then the fixed file imports 80):

    from binome.sourcing.tests.ngo_spreadsheet import ngo_spreadsheet
    path.write_bytes(ngo_spreadsheet(bad=5))
"""

from __future__ import annotations

import datetime
import io
from typing import Any

HEADERS = [
    "Nom",
    "Prénom",
    "Date de naissance",
    "Sexe",
    "Tél",
    "Courriel",
    "Nationalité",
    "Situation administrative",
    "Date d'entrée en France",
    "Niveau de français",
    "Ville",
    "Métier recherché",
    "Langues parlées",
    "Date du consentement",
    "Référente",
    "Observations",
]
FIRST = ["Amina", "Omar", "Fatou", "Yonas", "Leïla", "Ahmad", "Mariam", "Hassan", "Nour", "Tesfaye",
         "Zainab", "Mamadou", "Aïcha", "Karim", "Olena", "Dmytro", "Rahel", "Samir", "Hawa", "Idriss"]  # fmt: skip
LAST = ["Diallo", "Haddad", "Nassar", "Tesfay", "Karimi", "Bah", "Camara", "Sow", "Hussaini", "Yilmaz",
        "Kovalenko", "Abdi", "Mahamat", "Ndiaye", "Rahimi", "Saleh", "Kebede", "Traoré", "Barry",
        "Mansour"]  # fmt: skip
# (nationality as written, the country code it means, languages as written, the codes they mean)
ORIGINS = [
    ("afghane", "AF", "dari, anglais", {"prs": "native", "en": "A2"}),
    ("Afghan", "AF", "pachto", {"ps": "native"}),
    ("soudanais", "SD", "Arabe", {"ar": "native"}),
    ("Soudan", "SD", "arabe, anglais B1", {"ar": "native", "en": "B1"}),
    ("érythréenne", "ER", "tigrigna, arabe", {"ti": "native", "ar": "A2"}),
    ("RDC", "CD", "lingala, français", {"ln": "native", "fr": "A2"}),
    ("Congo-Kinshasa", "CD", "Lingala", {"ln": "native"}),
    ("guinéen", "GN", "peul, français", {"ff": "native", "fr": "A2"}),
    ("Syrienne", "SY", "arabe (maternelle), anglais (intermédiaire)", {"ar": "native", "en": "B1"}),
    ("ukrainienne", "UA", "ukrainien, russe", {"uk": "native", "ru": "A2"}),
]
STATUSES = [("réfugié", "refugee"), ("Réfugiée statutaire", "refugee"), ("protection subsidiaire", "subsidiary"),
            ("demandeur d'asile", "asylum_seeker"), ("Protection temporaire", "temporary")]  # fmt: skip
LEVELS = [("débutant", "A1"), ("intermédiaire", "B1"), ("A2", "A2"), ("courant", "C1"), ("Débutante", "A1")]
JOBS = [("Commis de cuisine", "G1602"), ("Aide-soignante", "J1501"), ("Maçon", "F1703"),
        ("Préparateur de commandes", "N1103"), ("Agent de nettoyage industriel", "K2204"),
        ("Vendeuse en épicerie", "D1106"), ("Conducteur de poids lourd", "N4101"),
        ("Développeuse informatique", "M1805")]  # fmt: skip
PLACES = ["Paris", "Saint-Denis 93200", "Créteil", "Nanterre", "Vitry-sur-Seine", "Argenteuil", "Aubervilliers"]
# The problems `bad=k` puts in the file, one per row, and the rows (0-based) they go to.
BAD_KINDS = ("missing first name", "impossible date", "unknown country", "unknown language", "“?” in a name")
BAD_ROWS = (6, 19, 33, 48, 66)
NO_EMAIL = 7  # the rows whose index ends in 7 leave the email empty


def expected(index: int) -> dict[str, Any]:
    """What Binôme should read from row `index` of the good file (the tests compare)."""
    nationality, country, languages, codes = ORIGINS[index % len(ORIGINS)]
    return {
        "first_name": FIRST[index % len(FIRST)],
        "last_name": LAST[(index * 7) % len(LAST)],
        "date_of_birth": datetime.date(1970, 1, 1) + datetime.timedelta(days=index * 211 % 11_000),
        "nationality": nationality,
        "country_of_origin": country,
        "languages_written": languages,
        "languages": codes,
        "protection_status": STATUSES[index % len(STATUSES)],
        "french_level": LEVELS[index % len(LEVELS)],
        "job": JOBS[index % len(JOBS)],
        "phone": f"06 {index // 100 % 100:02d} {index % 100:02d} {(index * 37) % 100:02d} {(index * 53) % 100:02d}",
        # One in ten has no email (reached by phone): the coordinator hands over a connection link.
        "email": "" if index % 10 == NO_EMAIL else f"personne.{index}@exemple-asso.fr",
    }


def _row(index: int, today: datetime.date) -> list[Any]:
    person = expected(index)
    arrived = datetime.date(2016, 3, 1) + datetime.timedelta(days=index * 41 % 3000)
    return [
        person["last_name"].upper() if index % 4 == 0 else person["last_name"],
        person["first_name"],
        person["date_of_birth"],  # a date cell shown as dd/mm/yyyy
        "F" if index % 2 else "H",
        person["phone"],
        person["email"],
        person["nationality"],
        person["protection_status"][0],
        arrived.strftime("%d/%m/%Y"),  # typed as text
        person["french_level"][0],
        PLACES[index % len(PLACES)],
        person["job"][0],
        person["languages_written"],
        today - datetime.timedelta(days=10 + index % 60),
        "Farah Benali",
        "Orientée par l'accueil de jour" if index % 3 else "",
    ]


def _spoil(row: list[Any], kind: str) -> None:
    if kind == "missing first name":
        row[HEADERS.index("Prénom")] = ""
    elif kind == "impossible date":
        row[HEADERS.index("Date de naissance")] = "31/02/1990"
    elif kind == "unknown country":
        row[HEADERS.index("Nationalité")] = "Atlantide"
    elif kind == "unknown language":
        row[HEADERS.index("Langues parlées")] = "dari, klingon"
    else:
        row[HEADERS.index("Prénom")] = "Ab?ul"  # what a Windows-1252 save makes of an Arabic letter


def ngo_spreadsheet(
    *, rows: int = 80, bad: int = 0, date1904: bool = False, today: datetime.date | None = None
) -> bytes:
    """The XLSX bytes; `bad` (0 to 5) rows wrong, one problem each (see BAD_KINDS and bad_lines)."""
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    if not 0 <= bad <= len(BAD_KINDS):
        raise ValueError(f"bad must be between 0 and {len(BAD_KINDS)}")
    today = today or datetime.date.today()
    workbook = Workbook()
    if date1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Orientations"
    sheet.append(HEADERS)
    spoiled = dict(zip(BAD_ROWS[:bad], BAD_KINDS, strict=False))
    for index in range(rows):
        row = _row(index, today)
        if index in spoiled:
            _spoil(row, spoiled[index])
        sheet.append(row)
    for column in ("C", "N"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def ngo_spreadsheet_xls(*, rows: int = 80, today: datetime.date | None = None) -> bytes:
    """The same rows as an Excel 97-2003 .xls file (written by xlwt), as older offices still save."""
    import xlwt  # type: ignore[import-untyped]

    today = today or datetime.date.today()
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Orientations")
    as_date = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for column, header in enumerate(HEADERS):
        sheet.write(0, column, header)
    for index in range(rows):
        for column, value in enumerate(_row(index, today)):
            if isinstance(value, datetime.date):
                sheet.write(index + 1, column, value, as_date)
            else:
                sheet.write(index + 1, column, value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def bad_lines(bad: int = 5) -> list[int]:
    """The spreadsheet lines (the header is line 1) of the rows `bad` spoils."""
    return [index + 2 for index in BAD_ROWS[:bad]]
