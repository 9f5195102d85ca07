"""Cell parsers: each turns one cell into a value or raises CellError with a plain-language reason."""

from __future__ import annotations

import datetime
import re
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from binome.people.models import Gender, MenteeProfile
from binome.reference.labels import REGIONS
from binome.reference.models import CefrLevel, normalise_for_search
from binome.sourcing.duplicates import normalise_phone
from binome.sourcing.importing.reading import MAX_CELL, Cell


class CellError(Exception):
    pass


def plain(value: str) -> str:
    """Lower-case, accent-free, with typographic apostrophes (Word, Excel) as plain ones."""
    return normalise_for_search(value.replace("’", "'"))


EXCEL_EPOCH = datetime.date(1899, 12, 30)
FRENCH_DATE = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")
ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")


def text(cell: Cell, *, max_length: int = MAX_CELL) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # Excel stores "0612345678" typed as a number as 612345678.0
    value = " ".join(str(cell).split()) if max_length < MAX_CELL else str(cell).strip()
    if len(value) > max_length:
        raise CellError(_("Too long: at most %(max)d characters.") % {"max": max_length})
    return value


def date(cell: Cell) -> datetime.date | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if isinstance(cell, (int, float)) and 1 <= cell < 80_000:  # an Excel serial day number
        return EXCEL_EPOCH + datetime.timedelta(days=int(cell))
    value = text(cell, max_length=40)
    if not value:
        return None
    value = value.split(" ")[0] if re.fullmatch(r"\S+ \d{1,2}:\d{2}(:\d{2})?", value) else value
    # The two forms nearly every file uses, without strptime's cost (a 10,000-row file has 30,000 dates).
    if match := FRENCH_DATE.fullmatch(value) or ISO_DATE.fullmatch(value):
        parts = match.groupdict()
        try:
            return datetime.date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD.") % {"value": value[:40]})


YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true"}
NO = {"non", "n", "no", "0", "faux", "false"}


def boolean(cell: Cell) -> bool | None:
    value = normalise_for_search(text(cell, max_length=20))
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(_("Write yes or no (oui / non)."))


GENDERS = {
    "f": Gender.FEMALE, "femme": Gender.FEMALE, "female": Gender.FEMALE, "woman": Gender.FEMALE,
    "w": Gender.FEMALE, "feminin": Gender.FEMALE,
    "m": Gender.MALE, "h": Gender.MALE, "homme": Gender.MALE, "male": Gender.MALE, "man": Gender.MALE,
    "masculin": Gender.MALE,
    "autre": Gender.OTHER, "other": Gender.OTHER, "x": Gender.OTHER, "non binaire": Gender.OTHER,
}  # fmt: skip


def gender(cell: Cell) -> str:
    value = normalise_for_search(text(cell, max_length=30))
    if not value:
        return ""
    if value in GENDERS:
        return str(GENDERS[value])
    raise CellError(_("Write F (woman), M (man) or other."))


def email(cell: Cell) -> str:
    value = text(cell, max_length=254)
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError as error:
        raise CellError(_("“%(value)s” is not an email address.") % {"value": value[:60]}) from error
    return value


def phone(cell: Cell) -> str:
    value = text(cell, max_length=30)
    if not value:
        return ""
    if isinstance(cell, (int, float)) and not value.startswith("0") and len(value) == 9:
        value = "0" + value  # the leading zero a spreadsheet dropped
    if not normalise_phone(value) or re.search(r"[^\d\s+().\-/]", value):
        raise CellError(_("“%(value)s” is not a phone number.") % {"value": value})
    return value


@cache
def _country_index() -> dict[str, str]:
    """ISO codes (alpha-2 and alpha-3) and English and French names → alpha-2 code."""
    import gettext
    from pathlib import Path

    import django_countries

    # Read django-countries' own French catalogue: the app need not be installed for its names.
    french = gettext.translation(
        "django", localedir=Path(django_countries.__file__).parent / "locale", languages=["fr"], fallback=True
    )
    index: dict[str, str] = {}
    with translation.override("en"):
        for code, name in countries:
            index[normalise_for_search(str(name))] = code
            index[normalise_for_search(french.gettext(str(name)))] = code
            index[code.lower()] = code
            alpha3 = countries.alpha3(code)
            if alpha3:
                index[alpha3.lower()] = code
    return index


def country(cell: Cell) -> str:
    value = text(cell, max_length=80)
    if not value:
        return ""
    found = _country_index().get(plain(value))
    if found is None:
        raise CellError(_("Unknown country “%(value)s”: write its ISO code (e.g. SY) or its name.") % {"value": value})
    return found


STATUSES = {
    "refugie": "refugee", "refugiee": "refugee", "refugee": "refugee", "statut de refugie": "refugee",
    "refugie statutaire": "refugee",
    "protection subsidiaire": "subsidiary", "subsidiaire": "subsidiary", "subsidiary protection": "subsidiary",
    "subsidiary": "subsidiary", "beneficiaire de la protection subsidiaire": "subsidiary",
    "protection temporaire": "temporary", "temporaire": "temporary", "temporary protection": "temporary",
    "temporary": "temporary",
    "apatride": "stateless", "stateless": "stateless", "stateless person": "stateless",
    "demandeur d asile": "asylum_seeker", "demandeuse d asile": "asylum_seeker", "asylum seeker": "asylum_seeker",
    "asylum_seeker": "asylum_seeker", "da": "asylum_seeker",
}  # fmt: skip


def protection_status(cell: Cell) -> str:
    value = plain(text(cell, max_length=80))
    if not value:
        raise CellError(_("Required."))
    if value in STATUSES:
        return STATUSES[value]
    if value.replace(" ", "_") in MenteeProfile.ProtectionStatus.values:
        return value.replace(" ", "_")
    raise CellError(
        _("Unknown status: write refugee, subsidiary protection, temporary protection, stateless or asylum seeker.")
    )


NATIVE = {"native", "natif", "native speaker", "langue maternelle", "maternelle", "mother tongue", "natal"}


def cefr(value: str, *, required: bool) -> str:
    level = plain(value)
    if not level:
        if required:
            raise CellError(_("Required."))
        return ""
    if level in NATIVE:
        return CefrLevel.NATIVE.value
    if level.upper() in {"A1", "A2", "B1", "B2", "C1", "C2"}:
        return level.upper()
    raise CellError(_("“%(value)s” is not a level: write A1, A2, B1, B2, C1, C2 or native.") % {"value": value[:20]})


ROME_CODE = re.compile(r"^[A-N]\d{4}$")


def rome_codes(cell: Cell, known: set[str]) -> list[str]:
    value = text(cell, max_length=200)
    codes = list(dict.fromkeys(part.strip().upper() for part in re.split(r"[|,;/\s]+", value) if part.strip()))
    if len(codes) > 3:
        raise CellError(_("At most three ROME codes."))
    for code in codes:
        if not ROME_CODE.match(code):
            raise CellError(_("“%(code)s” is not a ROME code (a letter and four digits, e.g. K2204).") % {"code": code})
        if code not in known:
            raise CellError(_("Unknown ROME code: %(code)s.") % {"code": code})
    return codes


def languages(cell: Cell, index: dict[str, str]) -> dict[str, str]:
    value = text(cell, max_length=500)
    levels: dict[str, str] = {}
    for part in re.split(r"[|,;]+", value):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(.+?)\s*[:=]\s*(.+)", part) or re.fullmatch(r"(.+)\s+(\S+)", part)
        if match is None:
            raise CellError(_("Write language:level pairs, e.g. ar:native|en:B1."))
        name, level = match.group(1), match.group(2)
        code = index.get(plain(name))
        if code is None:
            raise CellError(_("Unknown language “%(value)s”.") % {"value": name[:40]})
        levels[code] = cefr(level, required=True)
    return levels


# Department (first two characters of a postcode or INSEE code) → INSEE region, for telling
# apart places that share a name.
_REGION_DEPARTMENTS = {
    "11": "75 77 78 91 92 93 94 95",
    "24": "18 28 36 37 41 45",
    "27": "21 25 39 58 70 71 89 90",
    "28": "14 27 50 61 76",
    "32": "02 59 60 62 80",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "52": "44 49 53 72 85",
    "53": "22 29 35 56",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "93": "04 05 06 13 83 84",
    "94": "2A 2B 20",
}
DEPARTMENT_REGION = {dep: region for region, deps in _REGION_DEPARTMENTS.items() for dep in deps.split()}
REGION_BY_NAME = {normalise_for_search(name): code for code, name in REGIONS.items()}


def place_query(cell: Cell) -> tuple[str, int | None, str | None]:
    """Split 'Montreuil 93100', '93100 Montreuil', 'Montreuil (Île-de-France)' or '2992166' into
    (normalised name, GeoNames id, region code)."""
    value = text(cell, max_length=200)
    geonameid: int | None = None
    region: str | None = None
    for bracket in re.findall(r"\(([^)]*)\)", value):
        region = REGION_BY_NAME.get(plain(bracket)) or region
    # Numbers in brackets are read below like numbers outside them: "Montreuil (93100)".
    value = re.sub(
        r"\(([^)]*)\)", lambda m: " " + m.group(1) if re.fullmatch(r"[\s#\dAB]+", m.group(1)) else " ", value
    )
    if match := re.search(r"#?\b(\d{6,8})\b", value):
        geonameid = int(match.group(1))
        value = value.replace(match.group(0), " ")
    if match := re.search(r"\b((?:\d{2}|2[AB])\d{3})\b", value, flags=re.IGNORECASE):
        department = match.group(1)[:2].upper()
        region = DEPARTMENT_REGION.get(department, region)
        value = value.replace(match.group(0), " ")
    name = plain(value.strip(" ,;-"))
    return name, geonameid, region
