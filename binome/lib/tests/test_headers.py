"""Security headers on every page, and templates that a strict Content-Security-Policy can serve."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from binome.portals.tests.test_authorization_matrix import invitation
from conftest import Cast

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TEMPLATES = Path(settings.BASE_DIR) / "templates"
# PDF templates are rendered by WeasyPrint on the server, never served as HTML.
PDF_TEMPLATE = re.compile(r"(^|/)(pdf/|[^/]*_pdf\.html$)")


def directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_hardened(response: Any) -> None:
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"


def test_a_signed_in_page_carries_every_security_header(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).get(reverse("territories:territory", args=["paris"]), **EN)
    assert response.status_code == 200
    assert_hardened(response)


def test_the_sign_in_page_carries_every_security_header(client: Any) -> None:
    response = client.get(reverse("account_login"), **EN)
    assert response.status_code == 200
    assert_hardened(response)


def test_pages_opened_by_a_token_are_never_cached(cast: Cast, client: Any) -> None:
    response = client.get(reverse("sourcing:join", args=[invitation(cast).token]), **EN)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert client.get(reverse("sourcing:apply"), **EN)["Cache-Control"] == "no-store"


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client: Any) -> None:
    page = client.get(reverse("account_login"), **EN).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert config is not None
    assert '"includeIndicatorStyles":false' in config.group(1)
    assert '"allowEval":false' in config.group(1)


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def served_templates() -> list[Path]:
    return [
        path
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not PDF_TEMPLATE.search(path.relative_to(TEMPLATES).as_posix())
    ]


def test_the_template_walk_finds_the_templates() -> None:
    assert len(served_templates()) > 50


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "an inline <script>"),
        (EVENT_HANDLER, "an on*= event handler"),
        (STYLE_ATTRIBUTE, "a style= attribute"),
        (STYLE_ELEMENT, "a <style> element"),
    ],
)
def test_no_served_template_needs_unsafe_inline(pattern: re.Pattern[str], what: str) -> None:
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in served_templates()
        for text in [path.read_text()]
        for m in pattern.finditer(text)
    ]
    assert not offenders, f"{what} is blocked by the Content-Security-Policy: {offenders}"


def test_the_checks_catch_what_they_look_for() -> None:
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert not EVENT_HANDLER.search('<button type="button" class="online">')
    assert STYLE_ATTRIBUTE.search('<p class="x" style="color:red">')


@pytest.mark.django_db
def test_a_nul_character_anywhere_in_a_request_is_refused_with_a_clear_400(client: Any) -> None:
    assert client.post("/apply/", {"first_name": "A\x00B"}).status_code == 400
    assert client.get("/apply/", {"q": "x\x00"}).status_code == 400
    page = client.post("/apply/", {"home": "Paris\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert "cannot be saved" in page.content.decode()
    assert client.get("/apply/").status_code == 200
