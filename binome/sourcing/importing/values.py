"""Cell parsers: each turns one cell into a value or raises CellError with a plain-language reason."""

from __future__ import annotations

import csv
import datetime
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.data import COUNTRIES

from binome.people.models import Gender, MenteeProfile
from binome.reference.labels import REGIONS
from binome.reference.models import CefrLevel, normalise_for_search
from binome.sourcing.duplicates import normalise_phone
from binome.sourcing.importing.reading import MAX_CELL, Cell


class CellError(Exception):
    pass


def plain(value: str) -> str:
    """Lower-case, accent-free, with typographic apostrophes (Word, Excel) as plain ones."""
    if value.isascii():  # most cells: no accent to take off, so no Unicode decomposition to pay for
        return " ".join(value.lower().replace("-", " ").replace("'", " ").split())
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


SYNONYMS_DIR = Path(__file__).parent / "data"


def _plurals(form: str) -> list[str]:
    return [form] if form.endswith(("s", "x")) else [form, form + "s"]


@cache
def _french_countries() -> Any:
    """django-countries' own French catalogue: the app need not be installed for its names."""
    import gettext

    import django_countries

    return gettext.translation(
        "django", localedir=Path(django_countries.__file__).parent / "locale", languages=["fr"], fallback=True
    )


@cache
def _country_index() -> dict[str, tuple[str, ...]]:
    """ISO codes (alpha-2 and alpha-3), English and French names, and the nationalities and short
    names NGOs write (data/nationalities_fr.csv) → the country codes they may mean (one, or
    several when the form is ambiguous; none for "stateless")."""
    french = _french_countries()
    index: dict[str, tuple[str, ...]] = {}
    with translation.override("en"):
        for code, name in countries:
            for form in (str(name), str(COUNTRIES.get(code, name)), french.gettext(str(COUNTRIES.get(code, name)))):
                index[plain(form)] = (code,)
                index[plain(re.sub(r"\(.*?\)", " ", form))] = (code,)  # "Iran (République islamique d')"
            index[code.lower()] = (code,)
            alpha3 = countries.alpha3(code)
            if alpha3:
                index[alpha3.lower()] = (code,)
    with (SYNONYMS_DIR / "nationalities_fr.csv").open(encoding="utf-8") as synonyms:
        for line in csv.DictReader(synonyms):
            codes = tuple(code for code in line["code"].split() if code != "-")
            for form in line["forms"].split("|"):
                for variant in _plurals(plain(form)):
                    index[variant] = codes
    return index


def country_name(code: str) -> str:
    """The country's name in the active language (French from django-countries' catalogue)."""
    if (translation.get_language() or "fr").startswith("fr"):
        return str(_french_countries().gettext(str(COUNTRIES.get(code, code))))  # the catalogue's own msgids
    with translation.override("en"):
        return str(dict(countries).get(code, code))


def country(cell: Cell) -> str:
    value = text(cell, max_length=80)
    if not value:
        return ""
    found = _country_index().get(plain(value))
    if found is None:
        found = _country_index().get(plain(re.sub(r"\(.*?\)", " ", value)))
    if found is None:
        raise CellError(
            _("Unknown country “%(value)s”: write its name (Soudan), its nationality (soudanais) or its ISO code (SD).")
            % {"value": value}
        )
    if len(found) > 1:
        raise CellError(
            _("“%(value)s” may mean %(countries)s: write the country's name.")
            % {"value": value, "countries": _(" or ").join(f"{country_name(code)} ({code})" for code in found)}
        )
    return found[0] if found else ""


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
    # As NGOs write them in their files.
    "refugie e": "refugee", "refugies": "refugee", "refugiee statutaire": "refugee", "statut refugie": "refugee",
    "statutaire": "refugee", "refugie reconnu": "refugee", "refugiee reconnue": "refugee",
    "reconnu refugie": "refugee", "reconnue refugiee": "refugee", "br": "refugee", "bpi refugie": "refugee",
    "ps": "subsidiary", "bps": "subsidiary", "beneficiaire protection subsidiaire": "subsidiary",
    "protection subsidiaire ps": "subsidiary", "bpi protection subsidiaire": "subsidiary",
    "beneficiaire de la protection temporaire": "temporary", "pt": "temporary", "bpt": "temporary",
    "protection temporaire ukraine": "temporary", "aps protection temporaire": "temporary",
    "demandeur d asile e": "asylum_seeker", "demandeurs d asile": "asylum_seeker",
    "demande d asile": "asylum_seeker", "demande d asile en cours": "asylum_seeker",
    "en demande d asile": "asylum_seeker", "asile en cours": "asylum_seeker", "dda": "asylum_seeker",
    "apatridie": "stateless", "statut d apatride": "stateless", "apatride reconnu": "stateless",
}  # fmt: skip


def _words(value: str) -> str:
    """'Réfugié(e)', 'réfugié·e', 'Protection subsidiaire (PS)' → 'refugie e', 'protection subsidiaire ps'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain(value)).split())


def protection_status(cell: Cell) -> str:
    value = _words(text(cell, max_length=80))
    if not value:
        raise CellError(_("Required."))
    if value in STATUSES:
        return STATUSES[value]
    if value.replace(" ", "_") in MenteeProfile.ProtectionStatus.values:
        return value.replace(" ", "_")
    raise CellError(
        _("Unknown status: write refugee, subsidiary protection, temporary protection, stateless or asylum seeker.")
    )


NATIVE = {"native", "natif", "native speaker", "langue maternelle", "maternelle", "mother tongue", "natal",
          "natif ve", "native e", "lm", "langue natale", "premiere langue"}  # fmt: skip
# French levels as NGOs write them (the CEFR scale they map to, lowest when a word spans two).
LEVEL_WORDS = {
    "debutant": "A1", "debutante": "A1", "debutant e": "A1", "grand debutant": "A1", "notions": "A1",
    "quelques notions": "A1", "faible": "A1", "tres faible": "A1", "alpha": "A1", "alphabetisation": "A1",
    "beginner": "A1", "basic": "A1", "elementaire": "A2", "moyen": "A2", "passable": "A2",
    "pre intermediaire": "A2", "elementary": "A2", "intermediaire": "B1", "intermediate": "B1",
    "bon": "B2", "bon niveau": "B2", "avance": "B2", "avancee": "B2", "advanced": "B2", "courant": "C1",
    "courante": "C1", "fluent": "C1", "tres bon": "C1", "parle couramment": "C1", "bilingue": "C2",
    "excellent": "C2", "bilingual": "C2",
}  # fmt: skip
CEFR_IN_TEXT = re.compile(r"\b([abc][12])\b")


def cefr(value: str, *, required: bool) -> str:
    level = _words(value)
    if not level:
        if required:
            raise CellError(_("Required."))
        return ""
    level = level.removeprefix("niveau ").strip()
    if level in NATIVE:
        return CefrLevel.NATIVE.value
    if level in LEVEL_WORDS:
        return LEVEL_WORDS[level]
    if found := CEFR_IN_TEXT.findall(level):  # "A2", "niveau A2.1", "A2/B1" (the lowest), "DELF B1"
        return min(found).upper()
    raise CellError(
        _("“%(value)s” is not a level: write A1 to C2, native, or beginner, intermediate, advanced, fluent.")
        % {"value": value[:20]}
    )


ROME_CODE = re.compile(r"^[A-N]\d{4}$")


def occupation_forms(label: str) -> list[str]:
    """'Commis / Commise de cuisine' → the label, 'commis de cuisine' and 'commise de cuisine'
    (the ROME writes its labels in both genders; a file writes one)."""
    forms = [plain(label)]
    if label.count(" / ") == 1:
        masculine, feminine = label.split(" / ")
        suffix = feminine.split()[len(masculine.split()) :]
        forms += [plain(" ".join([masculine, *suffix])), plain(feminine)]
    return forms


def _occupation(part: str, known: set[str], labels: dict[str, set[str]]) -> str:
    code = part.upper()
    if ROME_CODE.match(code):
        if code not in known:
            raise CellError(_("Unknown ROME code: %(code)s.") % {"code": code})
        return code
    if re.fullmatch(r"[A-Za-z]\d{2,6}", part):
        raise CellError(_("“%(code)s” is not a ROME code (a letter and four digits, e.g. K2204).") % {"code": part})
    wanted = plain(part)
    found = set(labels.get(wanted, ()))
    if not found:  # no label exactly: the labels holding every word written, if they are few
        words = wanted.split()
        found = {c for form, codes in labels.items() for c in codes if all(w in form.split() for w in words)}
    if not found:
        raise CellError(
            _("No ROME occupation is called “%(value)s”: write its ROME code (e.g. G1602) or its exact label.")
            % {"value": part[:80]}
        )
    if len(found) > 1:
        listed = sorted(found)
        shown = "; ".join(f"{code} ({labels_of(code)})" for code in listed[:5])
        more = _(" and %(n)d more") % {"n": len(listed) - 5} if len(listed) > 5 else ""
        raise CellError(
            _("“%(value)s” matches several ROME occupations: %(candidates)s%(more)s. Write the code.")
            % {"value": part[:80], "candidates": shown, "more": more}
        )
    return found.pop()


_LABELS: dict[str, str] = {}


def labels_of(code: str) -> str:
    return _LABELS.get(code, code)


def occupation_index(occupations: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Normalised label forms → the ROME codes they name."""
    index: dict[str, set[str]] = {}
    for code, label in occupations:
        _LABELS[code] = label
        for form in occupation_forms(label):
            index.setdefault(form, set()).add(code)
    return index


def rome_codes(cell: Cell, known: set[str], labels: dict[str, set[str]] | None = None) -> list[str]:
    """ROME codes, or occupations by their label ("Commis de cuisine", "aide-soignante"), one to three."""
    value = text(cell, max_length=300)
    if re.fullmatch(r"[\sA-Za-z0-9|,;/]*", value) and all(
        re.fullmatch(r"[A-Za-z]\d{2,6}", part) for part in re.split(r"[|,;/\s]+", value) if part
    ):
        parts = [part for part in re.split(r"[|,;/\s]+", value) if part]
    else:  # labels hold spaces and slashes: only | ; and commas separate them
        parts = [part.strip() for part in re.split(r"[|;,]+|\s+(?:et|and)\s+", value) if part.strip()]
    codes = list(dict.fromkeys(_occupation(part, known, labels or {}) for part in parts))
    if len(codes) > 3:
        raise CellError(_("At most three ROME codes."))
    return codes


LANGUAGE_SYNONYMS = {
    "farsi": "fa", "persan afghan": "prs", "dari persan": "prs", "pashto": "ps", "pachtou": "ps", "pashtou": "ps",
    "pachtoune": "ps", "pachtoun": "ps", "tigrinya": "ti", "tigrinia": "ti", "tigrigna": "ti", "tigrigne": "ti",
    "amharigna": "am", "poular": "ff", "pular": "ff", "pulaar": "ff", "fulfulde": "ff", "peulh": "ff", "fula": "ff",
    "kurmanji": "ku", "sorani": "ku", "kurde sorani": "ku", "kurde kurmanji": "ku", "arabe dialectal": "ar",
    "arabe classique": "ar", "arabe litteraire": "ar", "arabe soudanais": "ar", "arabe tchadien": "ar",
    "bambara dioula": "bm", "dioula": "bm", "ourdou": "ur", "urdu": "ur", "bengali": "bn", "bangla": "bn",
    "mandarin": "zh", "swahili": "sw", "kiswahili": "sw", "francais": "fr", "anglais": "en", "espagnol": "es",
}  # fmt: skip
UNLEVELLED_OTHERS = "A2"  # a language named without a level, after the first: checked at the interview


def _is_level(word: str) -> bool:
    try:
        cefr(word, required=True)
    except CellError:
        return False
    return True


def _language_and_level(part: str, index: dict[str, str]) -> tuple[str, str]:
    """'ar:native', 'arabe (maternelle)', 'anglais B1', 'anglais niveau B1', or a name alone."""
    if match := re.fullmatch(r"(.+?)\s*[:=]\s*(.+)", part) or re.fullmatch(r"(.+?)\s*\((.+)\)", part):
        return match.group(1), match.group(2)
    words = part.rsplit(None, 1)
    if len(words) == 2 and plain(part) not in index and plain(part) not in LANGUAGE_SYNONYMS and _is_level(words[1]):
        return re.sub(r"\s+niveau$", "", words[0], flags=re.IGNORECASE), words[1]
    return part, ""


def languages(cell: Cell, index: dict[str, str]) -> dict[str, str]:
    """'ar:native|en:B1', 'arabe (maternelle), anglais B1', or only names: 'dari, anglais' (the
    first named without a level is taken as the mother tongue, the others at A2)."""
    value = text(cell, max_length=500)
    levels: dict[str, str] = {}
    for part in re.split(r"[|,;/+]+|\s+(?:et|and)\s+", value):
        part = part.strip()
        if not part:
            continue
        name, level = _language_and_level(part, index)
        code = index.get(plain(name)) or LANGUAGE_SYNONYMS.get(plain(name))
        if code is None:
            raise CellError(_("Unknown language “%(value)s”.") % {"value": name[:40]})
        if level:
            levels[code] = cefr(level, required=True)
        else:
            levels[code] = CefrLevel.NATIVE.value if not levels else UNLEVELLED_OTHERS
    return levels


MOJIBAKE = re.compile(r"[ÃÂ][\u0080-\u00bf]|â€|Ã©|Ã¨")


def name(cell: Cell, *, max_length: int = 100) -> str:
    """A person's name: one line, and no sign that the file's characters were lost on the way
    ("?" where a letter was, "Ã©" for "é", the replacement character)."""
    value = text(cell, max_length=max_length)
    if "?" in value or "\ufffd" in value:
        raise CellError(
            _("“%(value)s” holds a “?” or “�” where a letter was lost: the file was saved in an encoding that "
              "could not hold the name. Save it as CSV UTF-8 or XLSX and retype the name.") % {"value": value}
        )  # fmt: skip
    if MOJIBAKE.search(value):
        raise CellError(
            _("“%(value)s” looks garbled (“Ã©” for “é”): the file was converted twice. Save it as CSV UTF-8 or XLSX.")
            % {"value": value}
        )
    return value


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
