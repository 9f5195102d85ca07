"""French by default, English complete, mentee pages in Arabic (right-to-left)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from binome.portals.tests.catalogue import (
    Key,
    bare_text,
    catalogue,
    missing_from,
    python_messages,
    template_messages,
)
from conftest import Cast

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "locale"
TEMPLATES = ROOT / "templates"
#: Read the same in every language: the brand, file formats, the demo password on the demo login.
SAME_IN_EVERY_LANGUAGE = frozenset({"Binôme", "PDF", "(PDF)", "XLSX", "CSV", "demo-binome-2026"})
#: Django renders the 500 page without the request's language: it says both languages itself.
BILINGUAL_BY_DESIGN = {"500.html"}


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


def templates() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*") if path.is_file())


def test_no_template_shows_text_outside_a_translation_tag() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} {where}: {text}"
        for path in templates()
        if str(path.relative_to(TEMPLATES)) not in BILINGUAL_BY_DESIGN
        for line, where, text in bare_text(path.read_text(encoding="utf-8"), allowed=SAME_IN_EVERY_LANGUAGE)
    ]
    assert found == [], "wrap in {% translate %} / {% blocktranslate %}:\n" + "\n".join(found)


def test_the_scan_catches_bare_text_and_attributes_but_not_translated_ones() -> None:
    page = (
        '{% load i18n %}<h1>Proposed duos</h1><button title="Swap" value="swap">{% translate "Swap" %}</button>'
        '<input type="submit" value="Confirm"><input name="q" placeholder="{% translate \'Name\' %}">'
        "<p>{% blocktranslate %}Run {{ n }}{% endblocktranslate %} · {{ run.number }} PDF</p>"
        "{% comment %}Not shown{% endcomment %}<script>let shown = false</script>"
    )
    assert [(where, text) for _, where, text in bare_text(page, allowed=SAME_IN_EVERY_LANGUAGE)] == [
        ("text", "Proposed duos"),
        ("<button title>", "Swap"),
        ("<input value>", "Confirm"),
    ]


def _keys(paths: list[Path]) -> dict[str, list[Key]]:
    return {
        str(path.relative_to(ROOT)): (
            python_messages(path.read_text(encoding="utf-8"))
            if path.suffix == ".py"
            else template_messages(path.read_text(encoding="utf-8"))
        )
        for path in paths
    }


def test_every_message_the_templates_and_the_code_ask_for_has_a_french_translation() -> None:
    """Not only "every catalogue entry is translated": a {% translate %} whose msgid never reached
    the catalogue shows English on a French page, and the test above cannot see it."""
    sources = templates() + [
        path for path in sorted((ROOT / "binome").rglob("*.py")) if not {"tests", "migrations"} & set(path.parts)
    ]
    entries = catalogue(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    missing = [f"{name}: {key[1]!r}" for name, keys in _keys(sources).items() for key in missing_from(entries, keys)]
    assert missing == [], "add to locale/fr/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def test_the_messages_of_the_mentee_pages_have_an_arabic_translation() -> None:
    pages = [path for path in templates() if 'extends "base_mentee.html"' in path.read_text(encoding="utf-8")]
    included = {
        TEMPLATES / name
        for path in pages
        for name in re.findall(r'{% include "([^"]+)"', path.read_text(encoding="utf-8"))
    }
    assert len(pages) >= 5  # the mentee's home, duo, survey and application pages
    entries = catalogue(LOCALE / "ar" / "LC_MESSAGES" / "django.po")
    missing = [
        f"{name}: {key[1]!r}"
        for name, keys in _keys(sorted(set(pages) | included)).items()
        for key in missing_from(entries, keys)
    ]
    assert missing == [], "add to locale/ar/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def test_the_catalogue_check_sees_a_template_message_that_is_not_in_it() -> None:
    entries = catalogue(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    keys = template_messages('{% load i18n %}{% translate "Sign out" %}{% translate "Never in any catalogue" %}')
    keys += template_messages('{% load i18n %}{% translate "Sign out" context "a context nobody uses" %}')
    assert missing_from(entries, keys) == [(None, "Never in any catalogue"), ("a context nobody uses", "Sign out")]


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
