"""What every page carries: the menu a role needs and no more, the languages offered, the skip link."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import Cast

pytestmark = pytest.mark.django_db


def _language_options(html: str) -> set[str]:
    switcher = html[html.index('id="language-select"') : html.index("</select>", html.index('id="language-select"'))]
    return {part.split('"')[0] for part in switcher.split('option value="')[1:]}


def test_the_sign_in_page_offers_every_language_a_mentee_reads(client: Any) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert _language_options(page) == {"fr", "en", "ar"}


def test_staff_pages_keep_the_staff_languages(cast: Cast, client_for: Any) -> None:
    page = client_for(cast.amara).get(reverse("territories:dashboard"), follow=True).content.decode()
    assert _language_options(page) == {"fr", "en"}


@pytest.mark.parametrize(("who", "shown"), [("chloe_user", False), ("ben_user", False), ("amara", True)])
def test_sign_in_security_is_in_the_menu_only_of_the_roles_asked_for_it(
    cast: Cast, client_for: Any, who: str, shown: bool
) -> None:
    page = client_for(getattr(cast, who)).get(reverse("home"), follow=True).content.decode()
    menu = page[page.index("<header") : page.index("</header>")]
    assert (reverse("mfa_index") in menu) is shown


def test_every_page_starts_with_a_link_that_skips_to_the_content(client: Any) -> None:
    page = client.get(reverse("account_login")).content.decode()
    body = page[page.index("<body") :]
    first_link = body[body.index("<a ") : body.index("</a>")]
    assert 'href="#main"' in first_link
    assert "Aller au contenu" in first_link
    assert '<main id="main"' in page
