"""The columns of a referral spreadsheet: what each holds, and the French and English headers accepted.

Headers are compared once normalised (case, accents, punctuation and underscores ignored), so
"Prénom", "PRENOM", "first_name" and "First name" all name the first-name column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from binome.reference.models import normalise_for_search


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise  # shown in errors and in the template's documentation
    headers: tuple[str, ...]  # French first: the template writes the first one
    example: str
    help: Promise
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "first_name",
        _("first name"),
        ("prénom", "first name", "firstname", "given name"),
        "Amina",
        _("Required."),
        required=True,
    ),
    Column(
        "last_name",
        _("last name"),
        ("nom", "nom de famille", "last name", "lastname", "surname", "family name"),
        "Diallo",
        _("Required."),
        required=True,
    ),
    Column(
        "date_of_birth",
        _("date of birth"),
        ("date de naissance", "naissance", "date of birth", "birth date", "birthdate", "dob"),
        "14/03/1994",
        _("DD/MM/YYYY or YYYY-MM-DD."),
    ),
    Column(
        "gender",
        _("gender"),
        ("genre", "sexe", "gender", "sex"),
        "F",
        _("F (woman), M (man) or other; may be left empty."),
    ),
    Column(
        "email",
        _("email"),
        ("email", "e-mail", "courriel", "mail", "adresse email", "email address"),
        "amina.diallo@example.org",
        _("Optional."),
    ),
    Column(
        "phone",
        _("phone"),
        ("téléphone", "tel", "portable", "mobile", "phone", "phone number", "telephone"),
        "06 12 34 56 78",
        _("French numbers as 06…, +33 6… or 0033 6…; others with their country code."),
    ),
    Column(
        "country_of_origin",
        _("country of origin"),
        ("pays d'origine", "pays", "nationalité", "country of origin", "country", "nationality"),
        "GN",
        _("ISO code (GN) or name in French or English (Guinée, Guinea)."),
    ),
    Column(
        "protection_status",
        _("protection status"),
        ("statut", "statut de protection", "protection status", "status"),
        "réfugié",
        _("refugee, subsidiary protection, temporary protection, stateless, asylum seeker (in French or English)."),
        required=True,
    ),
    Column(
        "right_to_work",
        _("right to work"),
        ("droit au travail", "autorisation de travail", "right to work"),
        "oui",
        _("yes or no (oui / non); empty means yes."),
    ),
    Column(
        "arrival_date",
        _("arrival in France"),
        ("date d'arrivée", "arrivée en france", "date d'arrivée en france", "arrival date", "arrival in france"),
        "2022-09-01",
        _("DD/MM/YYYY or YYYY-MM-DD."),
    ),
    Column(
        "french_level",
        _("French level"),
        ("niveau de français", "niveau français", "french level", "level of french"),
        "B1",
        _("A1, A2, B1, B2, C1, C2 or native."),
        required=True,
    ),
    Column(
        "home",
        _("home town"),
        ("commune", "ville", "lieu de résidence", "commune de résidence", "home town", "hometown", "town", "city"),
        "Montreuil 93100",
        _("Place name; add the postcode, the region or the GeoNames id when several places share the name."),
    ),
    Column(
        "target_occupations",
        _("target occupations (ROME)"),
        ("codes rome", "code rome", "métiers visés", "rome", "target rome codes", "target occupations", "rome codes"),
        "G1602|K2204",
        _("One to three ROME codes, separated by | or a comma."),
    ),
    Column(
        "languages",
        _("other languages"),
        ("langues", "autres langues", "langues parlées", "other languages", "languages"),
        "ar:native|en:B1",
        _("language:level pairs separated by |, e.g. ar:native|en:B1 (ISO code or name)."),
    ),
    Column(
        "available_six_months",
        _("available for six months"),
        (
            "disponible six mois",
            "disponible 6 mois",
            "disponibilité six mois",
            "disponibilité 6 mois",
            "available six months",
            "available 6 months",
        ),
        "oui",
        _("yes or no (oui / non); may be left empty."),
    ),
    Column(
        "reason",
        _("referral reason"),
        ("motif", "motif d'orientation", "raison", "referral reason", "reason"),
        "Cherche un premier emploi dans la restauration.",
        _("Free text."),
    ),
    Column(
        "consent_date",
        _("consent date"),
        ("date du consentement", "date de consentement", "consentement", "consent date", "consent"),
        "02/11/2026",
        _("Required: the day the person agreed to be referred. Your organisation attests it."),
        required=True,
    ),
    Column(
        "referrer_name",
        _("referrer's name"),
        ("nom du référent", "référent", "referrer name", "referrer", "referrer's name"),
        "Farah Benali",
        _("The contact at your organisation."),
    ),
    Column(
        "referrer_email",
        _("referrer's email"),
        ("email du référent", "courriel du référent", "mail du référent", "referrer email", "referrer's email"),
        "farah@example.org",
        _("Optional."),
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}


def normalise_header(text: str) -> str:
    """'Date de naissance*', 'DATE_DE_NAISSANCE' and 'date de naissance (JJ/MM/AAAA)' are one header."""
    text = re.sub(r"\(.*?\)", " ", str(text))
    text = text.replace("_", " ").replace("’", "'")
    plain = normalise_for_search(text)
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", plain).split())


HEADER_INDEX: dict[str, str] = {
    normalise_header(header): column.key for column in COLUMNS for header in (*column.headers, column.key)
}


def column_for_header(header: str) -> Column | None:
    key = HEADER_INDEX.get(normalise_header(header))
    return BY_KEY[key] if key else None
