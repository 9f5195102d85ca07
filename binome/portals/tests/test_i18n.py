"""French by default, English complete, mentee pages in Arabic (right-to-left)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from conftest import Cast

LOCALE = Path(__file__).resolve().parents[3] / "locale"


def untranslated_entries(po_file: Path) -> list[str]:
    """msgids whose msgstr (or every plural msgstr) is empty, or that are marked fuzzy."""
    missing = []
    for block in po_file.read_text(encoding="utf-8").split("\n\n"):
        msgid = "".join(re.findall(r'^(?:msgid|")(?: )?"?(.*?)"?$', block.split("msgstr")[0], re.M))
        if not msgid.strip() or block.startswith('msgid ""\nmsgstr ""\n"Project'):
            continue
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        if "#, fuzzy" in block or not strings or any(not (a + b.replace('"', "").strip()) for a, b in strings):
            missing.append(msgid)
    return missing


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_message_is_translated(language: str) -> None:
    assert untranslated_entries(LOCALE / language / "LC_MESSAGES" / "django.po") == []


def test_french_is_the_default_and_english_is_a_switch_away(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    page = client.get(reverse("territories:territory", args=["paris"])).content.decode()
    assert "Tableau de bord · Paris" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("territories:territory", args=["paris"])).content.decode()
    assert "Dashboard · Paris" in page


def test_the_mentee_page_reads_right_to_left_in_arabic(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.chloe_user)
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    page = client.get(reverse("mentee_portal")).content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    assert "مرشدك" in page  # "your mentor"
    assert 'value="ar"' in page  # Arabic is offered on mentee pages
