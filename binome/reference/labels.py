"""Labels for reference codes whose source files carry no label of their own."""

from django.utils.translation import gettext_lazy as _

ROME_DOMAINS = {
    "A": _("Agriculture, fishing, green spaces and animal care"),
    "B": _("Arts and crafts"),
    "C": _("Banking, insurance and real estate"),
    "D": _("Commerce, sales and retail"),
    "E": _("Communication, media and multimedia"),
    "F": _("Construction and public works"),
    "G": _("Hospitality, catering, tourism and leisure"),
    "H": _("Industry"),
    "I": _("Installation and maintenance"),
    "J": _("Health"),
    "K": _("Personal and community services"),
    "L": _("Performing arts"),
    "M": _("Business support (including IT)"),
    "N": _("Transport and logistics"),
}

# INSEE region codes, as GeoNames uses them for admin1 in France.
REGIONS = {
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
