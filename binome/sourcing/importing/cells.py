"""Characters no imported cell may hold.

A spreadsheet cell can carry characters no keyboard types: a NUL (PostgreSQL text cannot store
it, so saving failed as a server error), other C0/C1 control characters, and line breaks where
one line is expected (a name with CR/LF broke the referrer's status email, whose subject holds
the first name). They are reported on their line and column like any bad value, so the whole
file is refused before anything is saved.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from binome.sourcing.importing.reading import Cell

# Free text may span lines and hold tabs; every other column is one line of text.
MULTILINE_COLUMNS = frozenset({"reason"})
_FREE_TEXT_ALLOWED = frozenset("\t\n\r")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")


def _forbidden(character: str, *, multiline: bool) -> bool:
    if multiline:
        return character not in _FREE_TEXT_ALLOWED and unicodedata.category(character) == "Cc"
    return character in _LINE_BREAKS or unicodedata.category(character) == "Cc"  # C0, DEL and C1 controls


def control_problem(cell: Cell, *, multiline: bool = False) -> str | None:
    """Why this cell is refused, or None. Only text cells can hold such characters."""
    if not isinstance(cell, str) or cell.isprintable():
        return None  # the fast path: isprintable() is False for every control character and line break
    for character in cell:
        if not _forbidden(character, multiline=multiline):
            continue
        code = f"U+{ord(character):04X}"
        if character in _LINE_BREAKS and not multiline:
            return _("A line break (%(code)s) is not allowed in this column: keep the value on one line.") % {
                "code": code
            }
        return _("The cell holds an invisible control character (%(code)s): retype the value.") % {"code": code}
    return None
