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
        (
            "prénom",
            "prénoms",
            "first name",
            "firstname",
            "given name",
            "forename",
            "prénom du bénéficiaire",
            "prénom de la personne",
        ),
        "Amina",
        _("Required."),
        required=True,
    ),
    Column(
        "last_name",
        _("last name"),
        (
            "nom",
            "nom de famille",
            "noms",
            "nom du bénéficiaire",
            "nom de la personne",
            "nom d'usage",
            "last name",
            "lastname",
            "surname",
            "family name",
        ),
        "Diallo",
        _("Required."),
        required=True,
    ),
    Column(
        "date_of_birth",
        _("date of birth"),
        (
            "date de naissance",
            "naissance",
            "né le",
            "née le",
            "né e le",
            "ddn",
            "date naissance",
            "date of birth",
            "birth date",
            "birthdate",
            "dob",
        ),
        "14/03/1994",
        _("DD/MM/YYYY or YYYY-MM-DD."),
    ),
    Column(
        "gender",
        _("gender"),
        ("genre", "sexe", "civilité", "h f", "gender", "sex"),
        "F",
        _("F (woman), M (man) or other; may be left empty."),
    ),
    Column(
        "email",
        _("email"),
        (
            "email",
            "e-mail",
            "courriel",
            "mail",
            "adresse email",
            "adresse e-mail",
            "adresse mail",
            "adresse électronique",
            "email address",
        ),
        "amina.diallo@example.org",
        _("Optional."),
    ),
    Column(
        "phone",
        _("phone"),
        (
            "téléphone",
            "tel",
            "tél",
            "tél portable",
            "tel portable",
            "téléphone portable",
            "numéro de téléphone",
            "n° de téléphone",
            "n° tél",
            "portable",
            "mobile",
            "phone",
            "phone number",
            "telephone",
            "mobile phone",
        ),
        "06 12 34 56 78",
        _("French numbers as 06…, +33 6… or 0033 6…; others with their country code."),
    ),
    Column(
        "country_of_origin",
        _("country of origin"),
        (
            "pays d'origine",
            "pays",
            "nationalité",
            "nationalités",
            "pays de naissance",
            "origine",
            "country of origin",
            "country",
            "nationality",
        ),
        "GN",
        _("Name, nationality or ISO code, in French or English (Guinée, guinéenne, Guinea, GN)."),
    ),
    Column(
        "protection_status",
        _("protection status"),
        (
            "statut",
            "statut de protection",
            "statut administratif",
            "situation administrative",
            "titre de séjour",
            "type de protection",
            "protection",
            "protection status",
            "status",
            "legal status",
        ),
        "réfugié",
        _(
            "refugee, subsidiary protection, temporary protection, stateless, asylum seeker "
            "(in French or English, as written in your files: réfugiée statutaire, PS, demandeur d'asile…)."
        ),
        required=True,
    ),
    Column(
        "right_to_work",
        _("right to work"),
        (
            "droit au travail",
            "autorisation de travail",
            "autorisé à travailler",
            "autorisée à travailler",
            "droit de travailler",
            "right to work",
            "work permit",
        ),
        "oui",
        _("yes or no (oui / non); empty means yes."),
    ),
    Column(
        "arrival_date",
        _("arrival in France"),
        (
            "date d'arrivée",
            "arrivée en france",
            "date d'arrivée en france",
            "date d'entrée en france",
            "arrivée",
            "arrivé e le",
            "en france depuis",
            "arrival date",
            "arrival in france",
            "date of arrival",
        ),
        "2022-09-01",
        _("DD/MM/YYYY or YYYY-MM-DD."),
    ),
    Column(
        "french_level",
        _("French level"),
        (
            "niveau de français",
            "niveau français",
            "niveau fr",
            "niveau de langue",
            "niveau de langue française",
            "français",
            "niveau",
            "french level",
            "level of french",
            "french",
        ),
        "B1",
        _("A1 to C2, native, or in words (débutant, intermédiaire, avancé, courant)."),
        required=True,
    ),
    Column(
        "home",
        _("home town"),
        (
            "commune",
            "ville",
            "lieu de résidence",
            "commune de résidence",
            "ville de résidence",
            "domicile",
            "lieu de vie",
            "adresse ville",
            "home town",
            "hometown",
            "town",
            "city",
            "place of residence",
        ),
        "Montreuil 93100",
        _("Place name; add the postcode, the region or the GeoNames id when several places share the name."),
    ),
    Column(
        "target_occupations",
        _("target occupations (ROME)"),
        (
            "codes rome",
            "code rome",
            "métiers visés",
            "métier visé",
            "métier recherché",
            "métiers recherchés",
            "métier souhaité",
            "métiers souhaités",
            "emploi recherché",
            "poste recherché",
            "projet professionnel",
            "secteur recherché",
            "métier",
            "rome",
            "target rome codes",
            "target occupations",
            "rome codes",
            "target job",
            "job sought",
            "desired job",
        ),
        "G1602|K2204",
        _(
            "One to three ROME codes or job titles as the ROME writes them (Commis de cuisine), "
            "separated by | or a comma."
        ),
    ),
    Column(
        "languages",
        _("other languages"),
        (
            "langues",
            "autres langues",
            "langues parlées",
            "langue parlée",
            "langue maternelle et autres langues",
            "langues maîtrisées",
            "other languages",
            "languages",
            "languages spoken",
            "spoken languages",
        ),
        "ar:native|en:B1",
        _(
            "Languages by name or ISO code, with a level or not: “dari, anglais B1” or ar:native|en:B1. "
            "Without a level, the first is taken as the mother tongue and the others as A2."
        ),
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
        (
            "motif",
            "motif d'orientation",
            "raison",
            "commentaire",
            "commentaires",
            "observations",
            "remarques",
            "besoins",
            "referral reason",
            "reason",
            "comments",
            "notes",
        ),
        "Cherche un premier emploi dans la restauration.",
        _("Free text."),
    ),
    Column(
        "consent_date",
        _("consent date"),
        (
            "date du consentement",
            "date de consentement",
            "consentement",
            "consentement recueilli le",
            "date accord",
            "date de l'accord",
            "consent date",
            "consent",
        ),
        "02/11/2026",
        _("Required: the day the person agreed to be referred. Your organisation attests it."),
        required=True,
    ),
    Column(
        "referrer_name",
        _("referrer's name"),
        (
            "nom du référent",
            "référent",
            "référente",
            "référent e",
            "travailleur social",
            "travailleuse sociale",
            "conseiller",
            "conseillère",
            "referrer name",
            "referrer",
            "referrer's name",
            "case worker",
        ),
        "Farah Benali",
        _("The contact at your organisation."),
    ),
    Column(
        "referrer_email",
        _("referrer's email"),
        (
            "email du référent",
            "courriel du référent",
            "mail du référent",
            "e-mail du référent",
            "email référent",
            "referrer email",
            "referrer's email",
        ),
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
