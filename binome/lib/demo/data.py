"""Fictional but plausible demo content. Every organisation and person here is invented."""

from __future__ import annotations

DEMO_PASSWORD = "demo-binome-2026"

TERRITORIES = [
    # name, slug, centre place (GeoNames id), radius km
    ("Paris", "paris", 2988507, 35),
    ("Lyon", "lyon", 2996944, 35),
    ("Tours", "tours", 2972191, 40),
]

# name, slug, territory slug, NAF division, size band
COMPANIES = [
    ("Acme Conseil", "acme", "paris", "70", "large"),
    ("Banque Lumière", "banque-lumiere", "paris", "64", "large"),
    ("Hôtel Les Arcades", "hotel-les-arcades", "paris", "55", "mid"),
    ("Numérique & Co", "numerique-co", "paris", "62", "mid"),
    ("Logistique Seine", "logistique-seine", "paris", "52", "large"),
    ("Santé Plus Cliniques", "sante-plus", "paris", "86", "large"),
    ("Boulangerie Martin", "boulangerie-martin", "paris", "10", "micro"),
    ("Atelier Bâtir", "atelier-batir", "paris", "43", "sme"),
    ("Lyonnaise de Mécanique", "lyonnaise-mecanique", "lyon", "28", "large"),
    ("Rhône Transports", "rhone-transports", "lyon", "49", "mid"),
    ("Pharma Confluence", "pharma-confluence", "lyon", "21", "large"),
    ("Soierie Moderne", "soierie-moderne", "lyon", "13", "sme"),
    ("Cuisine des Traboules", "cuisine-traboules", "lyon", "56", "sme"),
    ("Data Fourvière", "data-fourviere", "lyon", "62", "sme"),
    ("Touraine Assurances", "touraine-assurances", "tours", "65", "mid"),
    ("Châteaux Hôtellerie", "chateaux-hotellerie", "tours", "55", "mid"),
    ("Tours Informatique", "tours-informatique", "tours", "62", "mid"),
    ("Vins de Loire Coopérative", "vins-de-loire", "tours", "11", "sme"),
    ("Garage du Cher", "garage-du-cher", "tours", "45", "micro"),
    ("Énergie Verte Centre", "energie-verte", "tours", "35", "large"),
]

# name, slug, territory slug, kind
PARTNERS = [
    ("Accueil Exilés Paris", "paris-ngo", "paris", "ngo"),
    ("Solidarité Réfugiés 93", "solidarite-refugies-93", "paris", "ngo"),
    ("Maison des Langues Paris", "maison-des-langues", "paris", "ngo"),
    ("Entraide Rhône", "entraide-rhone", "lyon", "ngo"),
    ("Forum Asile Lyon", "forum-asile-lyon", "lyon", "ngo"),
    ("Passerelles Villeurbanne", "passerelles-villeurbanne", "lyon", "ngo"),
    ("Horizons Touraine", "horizons-touraine", "tours", "ngo"),
    ("Accueil Touraine", "accueil-touraine", "tours", "ngo"),
    ("Agence Emploi Paris Nord", "agence-emploi-paris-nord", "paris", "public"),
]
FUNDER = ("Fondation Avenir Inclusion", "fondation-avenir-inclusion")

# Origins: country, weight, first names (women, men), surnames, languages (code -> likely level)
ORIGINS = [
    (
        "AF", 22,
        ["Zahra", "Fatima", "Maryam", "Nasrin", "Parwana", "Shabnam", "Freshta"],
        ["Ahmad", "Mohammad", "Farid", "Hamid", "Sohrab", "Jawad", "Mustafa", "Wahid", "Rahim"],
        ["Ahmadi", "Hashimi", "Rahimi", "Karimi", "Sultani", "Noori", "Hakimi", "Safi", "Popal", "Wardak"],
        [("prs", "native"), ("ps", "native"), ("fa", "C1"), ("en", "B1")],
    ),
    (
        "SY", 16,
        ["Yara", "Lina", "Hala", "Nour", "Rania", "Reem", "Dima"],
        ["Omar", "Rami", "Khaled", "Samer", "Bashar", "Tarek", "Fadi", "Yazan"],
        ["Haddad", "Khoury", "Al-Hassan", "Darwish", "Saleh", "Aziz", "Nassar", "Hamdan", "Mansour", "Kassem"],
        [("ar", "native"), ("en", "B2"), ("ku", "native")],
    ),
    (
        "SD", 12,
        ["Amna", "Mona", "Salma", "Hiba", "Sara"],
        ["Abdelrahman", "Mohamed", "Awad", "Ibrahim", "Hassan", "Mujahid", "Elsadig"],
        ["Osman", "Abdallah", "Elamin", "Yousif", "Idris", "Babiker", "Mahgoub"],
        [("ar", "native"), ("en", "B1")],
    ),
    (
        "ER", 10,
        ["Senait", "Helen", "Selam", "Luwam", "Saba"],
        ["Yonas", "Filmon", "Dawit", "Mebrahtu", "Tesfay", "Robel", "Henok"],
        ["Tesfamariam", "Gebremedhin", "Haile", "Berhane", "Kidane", "Tekle", "Weldemichael"],
        [("ti", "native"), ("am", "B2"), ("ar", "A2"), ("en", "A2")],
    ),
    (
        "UA", 14,
        ["Olena", "Oksana", "Iryna", "Yulia", "Natalia", "Kateryna", "Anastasiia"],
        ["Andriy", "Dmytro", "Serhiy", "Oleksandr", "Mykola"],
        ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boyko", "Savchenko"],
        [("uk", "native"), ("ru", "C2"), ("en", "B1"), ("pl", "A2")],
    ),
    (
        "IR", 7,
        ["Sara", "Leila", "Shirin", "Niloufar", "Mahsa"],
        ["Reza", "Ali", "Mehdi", "Arash", "Babak"],
        ["Hosseini", "Moradi", "Rezaei", "Jafari", "Tehrani", "Karimpour"],
        [("fa", "native"), ("en", "B2"), ("tr", "A2")],
    ),
    (
        "GN", 8,
        ["Fatoumata", "Aissatou", "Mariama", "Kadiatou"],
        ["Mamadou", "Alpha", "Ibrahima", "Ousmane", "Thierno"],
        ["Diallo", "Barry", "Bah", "Sow", "Camara", "Baldé"],
        [("ff", "native"), ("fr", "B1"), ("en", "A1")],
    ),
    (
        "CD", 5,
        ["Christelle", "Grâce", "Merveille", "Ruth"],
        ["Patrick", "Jean-Paul", "Christian", "Fiston"],
        ["Mukendi", "Kalonji", "Ilunga", "Tshibanda", "Mbuyi"],
        [("ln", "native"), ("sw", "B2"), ("fr", "B2"), ("en", "A2")],
    ),
    (
        "SO", 4,
        ["Hodan", "Faadumo", "Ayaan", "Sahra"],
        ["Abdi", "Mahad", "Abdirahman", "Liban"],
        ["Warsame", "Farah", "Jama", "Hirsi", "Nur"],
        [("so", "native"), ("ar", "B1"), ("en", "B1")],
    ),
    (
        "GE", 2,
        ["Nino", "Tamar", "Ana"],
        ["Giorgi", "Levan", "David"],
        ["Beridze", "Kapanadze", "Gelashvili", "Lomidze"],
        [("ka", "native"), ("ru", "B2"), ("en", "A2")],
    ),
]

MENTOR_FIRST_NAMES = {
    "female": ["Camille", "Sophie", "Claire", "Émilie", "Julie", "Manon", "Léa", "Chloé", "Sarah", "Laura", "Inès",
               "Nadia", "Amélie", "Céline", "Hélène", "Aurélie", "Margaux", "Pauline", "Anne", "Isabelle", "Leïla"],
    "male": ["Julien", "Thomas", "Nicolas", "Antoine", "Pierre", "Hugo", "Lucas", "Maxime", "Alexandre", "Romain",
             "Mehdi", "Karim", "Mathieu", "Vincent", "Olivier", "Guillaume", "François", "Benoît", "Yanis", "Paul"],
}
MENTOR_LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Blanc", "Guérin", "Benali",
    "Belkacem", "Faure", "Rousseau", "Fontaine", "Chevalier", "Robin", "Nguyen", "Perrin", "Lambert", "Bonnet",
    "Da Silva", "Lemoine", "Marchand", "Dumont", "Haddad", "Traoré", "Colin", "Gauthier",
]
MENTOR_EXTRA_LANGUAGES = [("en", "C1"), ("en", "B2"), ("es", "B1"), ("ar", "B2"), ("de", "B1"), ("it", "B1"), ("ru", "B1"), ("pt", "B2")]

# Occupations refugees in France most often aim for, beside those of the partner companies.
COMMON_TARGETS = [
    "G1602", "F1703", "N1103", "M1805", "J1501", "D1106", "I1203", "M1203", "G1703", "N4101", "K1303", "G1603",
    "F1701", "H2102", "D1507", "K2204", "N1105", "M1607", "C1401", "E1205", "I1604", "K2111", "J1301", "D1214",
    "G1803", "F1602", "M1602",
]

REFERRAL_REASONS = [
    "Motivé·e, a besoin de réseau dans son métier d'origine.",
    "Diplômé·e dans son pays, cherche à faire reconnaître son expérience.",
    "Parcours linguistique terminé, prêt·e pour l'emploi.",
    "Souhaite se reconvertir ; a besoin de conseils sur les codes professionnels.",
    "A déjà eu des entretiens sans succès ; manque de confiance.",
]
