"""Sorting words the way a reader of the page expects: accents and case do not move a word.

The C library's collation (`locale.strxfrm`) depends on the locales the server has installed
(often only C.UTF-8, which sorts "Érythrée" after "Zambie"); this key does not. Letters are
compared without their accents and case first ("Éthiopie" between "Espagne" and "Finlande"),
then with them, so the order is the same on every machine.
"""

from __future__ import annotations

import unicodedata

# Letters that NFKD does not split into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o"})


def sort_key(text: str) -> tuple[str, str]:
    """A key for `sorted`: accent- and case-blind first, then the text itself to break ties."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold(), text
