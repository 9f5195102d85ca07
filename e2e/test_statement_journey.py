"""The company contact downloads the approved skills-sponsorship statement from their portal; the
demo mentor's line in the PDF says what the mentor's own hours page says, and every line equals
the hours selectors."""

from __future__ import annotations

import io
import re
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import translation
from pypdf import PdfReader

from binome.accounts.models import Role
from binome.meetings.selectors import mentor_hours
from binome.pairing.models import Duo
from binome.people.models import MentorProfile
from binome.sponsorship.models import Statement

from .test_coordinator_journey import sign_in

NUMBER = r"(\d+(?:,\d+)?)"


def _number(text: str) -> float:
    return float(text.replace(",", ".").replace("\u202f", "").replace("\xa0", ""))


def test_the_statement_pdf_matches_the_mentors_hours_page(demo: None, browser: Any, live_server: Any) -> None:
    statement = Statement.objects.get(company__slug="acme", status=Statement.Status.APPROVED)
    mentor_person = Role.objects.get(user__email="mentor@demo.binome.fr").person
    assert mentor_person is not None
    duo = Duo.objects.get(mentor__person=mentor_person, status=Duo.Status.ACTIVE)

    # The company contact opens the portal and downloads the statement.
    company = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    sign_in(company, "company@demo.binome.fr")
    company.wait_for_url(re.compile(r"/company/$"))
    link = company.locator(f"a.statement-pdf[data-statement='{statement.pk}']")
    with company.expect_download() as download:
        link.click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())

    # The mentor's own page: the hours of this cohort.
    mentor = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    sign_in(mentor, "mentor@demo.binome.fr")
    mentor.wait_for_url(re.compile(r"/mentor/$"))
    mentor.goto(f"/mentor/duos/{duo.pk}/")
    page_total = _number(mentor.locator("#hours strong").inner_text().split("h")[0])
    details = [_number(n) for n in re.findall(NUMBER, mentor.locator("#hours small").first.inner_text())]

    name = mentor_person.full_name
    # Training, meetings, of which by phone, workshops, total.
    line = re.search(rf"{re.escape(name)} {NUMBER} {NUMBER} {NUMBER} {NUMBER} {NUMBER}", text)
    assert line, f"{name} not in the statement: {text}"
    training, meetings, _by_phone, workshops, total = (_number(g) for g in line.groups())
    assert total == page_total
    assert [training, meetings, workshops] == details[:3]
    assert page_total > 0

    # Every employee's line equals the hours selectors over the statement's period.
    for profile in MentorProfile.objects.filter(company__slug="acme").select_related("person"):
        hours = mentor_hours(profile, start=statement.starts_on, end=statement.ends_on)
        if hours.total == 0:
            continue
        name = profile.person.full_name
        found = re.search(rf"{re.escape(name)} {NUMBER} {NUMBER} {NUMBER} {NUMBER} {NUMBER}", text)
        assert found, name
        with translation.override("fr"):  # the template's rounding (half up) and French decimals
            assert found.group(5) == floatformat(hours.total, 1)
