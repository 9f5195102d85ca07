"""Seeded synthetic mentees and mentors that look like a real programme's."""

from __future__ import annotations

import numpy as np

from matching import ALL_SLOTS, Mentee, Mentor

# A few NAF sectors with ROME codes they list (from France Travail's referential,
# shared/data/naf_sectors_rome_codes.json; first ten codes of each).
SECTORS: dict[str, list[str]] = {
    "10": ["A1303", "A1412", "D1101", "D1102", "D1103", "D1104", "D1105", "D1107", "D1108", "D1109"],
    "43": ["B1102", "B1103", "F1102", "F1104", "F1106", "F1107", "F1108", "F1109", "F1110", "F1111"],
    "47": ["A1412", "A1447", "B1301", "D1101", "D1102", "D1105", "D1106", "D1109", "D1110", "D1112"],
    "49": ["D1425", "F1301", "F1629", "G1302", "G1611", "H1405", "I1108", "I1111", "I1116", "I1323"],
    "55": ["C1502", "D1242", "G1104", "G1107", "G1108", "G1235", "G1236", "G1239", "G1241", "G1302"],
    "56": ["D1103", "D1104", "D1106", "D1108", "D1111", "D1112", "D1115", "D1117", "D1118", "G1401"],
    "62": ["D1408", "D1416", "E1101", "E1115", "E1125", "E1206", "E1207", "E1210", "E1410", "H1101"],
    "64": ["C1201", "C1202", "C1203", "C1204", "C1205", "C1206", "C1207", "C1208", "C1301", "C1302"],
    "68": ["C1501", "C1502", "C1503", "C1504", "C1505", "C1506", "F1133", "I1105", "I1203", "K2501"],
    "70": ["A1312", "A1313", "C1209", "D1405", "D1406", "D1414", "E1103", "E1109", "E1112", "E1124"],
    "78": ["K1812", "K2114", "K2139", "M1304", "M1417", "M1501", "M1502", "M1507", "M1510"],
    "81": ["A1202", "A1203", "A1207", "A1208", "A1209", "A1211", "A1440", "D1219", "F1139", "F1621"],
    "86": ["D1203", "D1217", "D1222", "D1405", "D1412", "D1413", "D1428", "D1436", "G1220", "G1233"],
    "87": ["J1502", "J1505", "J1506", "J1508", "J1509", "J1510", "K1208", "K1209", "K1220", "K1225"],
    "88": ["G1203", "G1220", "G1237", "G1239", "G1241", "J1304", "J1505", "J1507", "J1509", "K1101"],
}
# territory: (share of people, centre lat, centre lon, spread in degrees)
TERRITORIES = {
    1: (0.5, 48.8566, 2.3522, 0.15),  # Paris
    2: (0.25, 45.7640, 4.8357, 0.08),  # Lyon
    3: (0.15, 43.2965, 5.3698, 0.08),  # Marseille
    4: (0.10, 50.6292, 3.0573, 0.06),  # Lille
}
LEVELS_FR = (["A1", "A2", "B1", "B2", "C1"], [0.08, 0.2, 0.37, 0.25, 0.1])
HOME_LANGUAGES = ["ar", "fa", "ps", "ti", "uk", "ru", "en"]
MODES = (["either", "in_person", "remote"], [0.6, 0.25, 0.15])


def _place(rng: np.random.Generator, territory: int) -> tuple[float | None, float | None]:
    if rng.random() < 0.03:
        return None, None
    _, lat, lon, spread = TERRITORIES[territory]
    return float(lat + rng.normal(0, spread)), float(lon + rng.normal(0, spread * 1.4))


def _slots(rng: np.random.Generator) -> int:
    if rng.random() < 0.05:
        return 0
    bits = rng.choice(21, size=int(rng.integers(3, 10)), replace=False)
    return int(sum(1 << int(b) for b in bits)) & ALL_SLOTS


def generate(
    n: int, m: int, seed: int = 0, companies: int = 300, single_territory: bool = False
) -> tuple[list[Mentee], list[Mentor]]:
    """`single_territory` puts everyone in Paris: one block of n x m, the hardest case."""
    rng = np.random.default_rng(seed)
    territory_ids = [1] if single_territory else list(TERRITORIES)
    shares = [1.0] if single_territory else [TERRITORIES[t][0] for t in territory_ids]
    sectors = list(SECTORS)
    company_sector = [sectors[k % len(sectors)] for k in range(companies)]
    mentees = []
    for i in range(n):
        t = int(rng.choice(territory_ids, p=shares))
        languages = {"fr": str(rng.choice(LEVELS_FR[0], p=LEVELS_FR[1]))}
        home = str(rng.choice(HOME_LANGUAGES))
        languages[home] = "native"
        if home != "en" and rng.random() < 0.3:
            languages["en"] = str(rng.choice(["A2", "B1", "B2"]))
        codes = SECTORS[sectors[int(rng.integers(len(sectors)))]]
        targets = tuple(str(c) for c in rng.choice(codes, size=int(rng.integers(1, 4)), replace=False))
        lat, lon = _place(rng, t)
        prefers = rng.random() < 0.1
        mentees.append(
            Mentee(
                id=i + 1,
                territory=t,
                languages=languages,
                target_rome=targets,
                lat=lat,
                lon=lon,
                gender=str(rng.choice(["f", "m"])),
                gender_preference="f" if prefers else None,
                gender_required=prefers and rng.random() < 0.3,
                meeting_mode=str(rng.choice(MODES[0], p=MODES[1])),
                availability=_slots(rng),
                excluded_companies=(int(rng.integers(companies)),) if rng.random() < 0.05 else (),
                excluded_mentors=(int(rng.integers(1, m + 1)),) if rng.random() < 0.01 else (),
            )
        )
    mentors = []
    for j in range(m):
        t = int(rng.choice(territory_ids, p=shares))
        company = int(rng.integers(companies))
        sector = company_sector[company]
        languages = {"fr": "native"}
        if rng.random() < 0.7:
            languages["en"] = str(rng.choice(["B1", "B2", "C1"]))
        if rng.random() < 0.1:
            languages[str(rng.choice(["ar", "ru", "uk", "fa"]))] = "native"
        lat, lon = _place(rng, t)
        mentors.append(
            Mentor(
                id=j + 1,
                territory=t,
                languages=languages,
                rome=str(rng.choice(SECTORS[sector])),
                naf_sector=sector,
                company=company,
                lat=lat,
                lon=lon,
                gender=str(rng.choice(["f", "m"])),
                gender_preference="f" if rng.random() < 0.05 else None,
                meeting_mode=str(rng.choice(MODES[0], p=MODES[1])),
                availability=_slots(rng),
                capacity=1 if rng.random() < 0.6 else 2,
                trained=bool(rng.random() < 0.95),
            )
        )
    return mentees, mentors
