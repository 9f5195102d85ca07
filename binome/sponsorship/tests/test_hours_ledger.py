"""One hours ledger: a company's hours are the same number on every page that shows them.

The dataset is built through the services and pages; the expected figures are counted by hand
from the definitions (a meeting counts once the other member confirmed it, in Binôme or on the
phone to a coordinator; an hour belongs to the period of its date), never from the ledger.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from binome.accounts.models import Role
from binome.audit.models import AuditEvent
from binome.cohorts.models import Workshop, WorkshopInvitation
from binome.impact import kpis
from binome.meetings import services as meetings
from binome.meetings.models import Meeting
from binome.pairing.models import Duo
from binome.people.models import MentorProfile
from binome.sponsorship import documents, selectors, services
from binome.sponsorship.models import Statement
from conftest import PARIS, Cast, _mentee, _mentor, _user

pytestmark = pytest.mark.django_db

START, END = date(2026, 4, 1), date(2026, 6, 30)
QUERY = {"start": START.isoformat(), "end": END.isoformat()}
# By hand, for 1 April – 30 June 2026:
#   Ben: meetings 90 (confirmed by Chloé) + 60 (confirmed by Chloé on the phone) + workshop 120 = 270 min
#        (his training day of 10 February and the meeting and workshop of July are outside the period;
#        the unconfirmed, self-confirmed and coordinator-only meetings never count)
#   Eve: training day 420 + 60 (current duo) + 30 (her previous mentee, counted once) = 510 min
#        (the cancelled workshop she attended and the one she missed do not count)
BEN_MINUTES, EVE_MINUTES = 270, 510
TOTAL_HOURS = (BEN_MINUTES + EVE_MINUTES) / 60  # 13.0


@dataclass
class Company:
    eve: MentorProfile
    eve_user: Any
    eve_duo: Duo
    eve_old_duo: Duo
    phone_meeting: Meeting


def _meeting(duo: Duo, day: date, minutes: int, *, by: Any, author: str) -> Meeting:
    return meetings.record_meeting(
        duo, actor=by, author=author, held_on=day, duration_minutes=minutes, mode="video", topics=["cv"]
    )


def _legacy(duo: Duo, day: date, minutes: int, *, recorded_as: str, confirmed_as: str) -> None:
    """A meeting confirmed the old way (by its author, or by a coordinator alone)."""
    Meeting.objects.create(
        duo=duo,
        held_on=day,
        duration_minutes=minutes,
        mode="video",
        topics=["cv"],
        recorded_as=recorded_as,
        confirmed_at=timezone.now(),
        confirmed_as=confirmed_as,
    )


def _workshop(cast: Cast, day: date, person: Any, *, present: bool, status: str = "planned") -> None:
    workshop = Workshop.objects.create(
        cohort=cast.paris_duo.cohort,
        title="Codes professionnels",
        kind="workshop",
        starts_at=datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
        ends_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
        status=status,
    )
    WorkshopInvitation.objects.create(workshop=workshop, person=person, role="mentor", present=present)


def build(cast: Cast, client_for: Any) -> Company:
    """Acme with two mentors: Ben (one duo) and Eve (a current duo and an earlier one)."""
    MentorProfile.objects.filter(pk=cast.ben.pk).update(trained_on=date(2026, 2, 10))
    eve = _mentor("Eve", "Laurent", cast.paris, cast.acme, PARIS)
    MentorProfile.objects.filter(pk=eve.pk).update(trained_on=date(2026, 4, 15))
    eve_user = _user("eve@acme.test", Role.Kind.MENTOR, person=eve.person)
    cohort = cast.paris_duo.cohort
    eve_old_duo = Duo.objects.create(
        cohort=cohort, mentor=eve, mentee=_mentee("Omar", "Saleh", cast.paris, PARIS), started_on=date(2026, 3, 8)
    )
    eve_duo = Duo.objects.create(
        cohort=cohort, mentor=eve, mentee=_mentee("Sara", "Khalil", cast.paris, PARIS), started_on=date(2026, 3, 8)
    )
    duo = cast.paris_duo
    # Ben's duo: confirmed by Chloé, unconfirmed, phone-confirmed (below), outside the period, legacy.
    counted = _meeting(duo, date(2026, 4, 10), 90, by=cast.ben_user, author="mentor")
    meetings.confirm_meeting(counted, actor=cast.chloe_user, as_role="mentee")
    _meeting(duo, date(2026, 5, 5), 60, by=cast.chloe_user, author="mentee")  # never confirmed
    phone_meeting = _meeting(duo, date(2026, 5, 20), 60, by=cast.ben_user, author="mentor")
    late = _meeting(duo, date(2026, 7, 10), 120, by=cast.ben_user, author="mentor")
    meetings.confirm_meeting(late, actor=cast.chloe_user, as_role="mentee")
    _legacy(duo, date(2026, 4, 20), 30, recorded_as="mentor", confirmed_as="mentor")
    _legacy(duo, date(2026, 4, 22), 40, recorded_as="mentee", confirmed_as="staff")
    # Eve: her earlier duo's meeting, then that duo ended; her current duo's meeting.
    old = _meeting(eve_old_duo, date(2026, 4, 20), 30, by=eve_user, author="mentor")
    meetings.confirm_meeting(old, actor=None, as_role="mentee")
    Duo.objects.filter(pk=eve_old_duo.pk).update(status=Duo.Status.ENDED_EARLY, ended_on=date(2026, 4, 30))
    current = _meeting(eve_duo, date(2026, 6, 1), 60, by=None, author="mentee")
    meetings.confirm_meeting(current, actor=eve_user, as_role="mentor")
    # Workshops: Ben attends one in the period and one after; Eve misses one, attends a cancelled one.
    _workshop(cast, date(2026, 4, 11), cast.ben.person, present=True)
    _workshop(cast, date(2026, 7, 4), cast.ben.person, present=True)
    _workshop(cast, date(2026, 5, 9), eve.person, present=False)
    _workshop(cast, date(2026, 5, 16), eve.person, present=True, status="cancelled")
    # The coordinator records Chloé's confirmation on the phone, through the page.
    response = client_for(cast.amara).post(
        reverse("meetings:staff_phone_confirmation", kwargs={"pk": duo.pk, "meeting": phone_meeting.pk}),
        {"member": "mentee", "reason": "Chloé n'a plus accès à son compte"},
    )
    assert response.status_code == 302
    return Company(eve, eve_user, eve_duo, eve_old_duo, phone_meeting)


def _hours(html: str, css: str) -> list[float]:
    """The numbers a page shows in elements of this class (French decimal commas)."""
    return [float(n.replace(",", ".")) for n in re.findall(rf'class="[^"]*\b{css}\b[^"]*">([\d,.]+)', html)]


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_a_companys_hours_are_the_same_on_all_five_places(cast: Cast, client_for: Any) -> None:
    company = build(cast, client_for)
    period_fr = "Période : du 01/04/2026 au 30/06/2026"

    # 1. The mentor pages (each mentor's own home page).
    ben_page = client_for(cast.ben_user).get(reverse("mentor_portal"), QUERY).content.decode()
    eve_page = client_for(company.eve_user).get(reverse("mentor_portal"), QUERY).content.decode()
    assert period_fr in ben_page
    assert period_fr in eve_page
    ((ben,),), ((eve,),) = [[_hours(ben_page, "hours-total")], [_hours(eve_page, "hours-total")]]
    assert (ben, eve) == (BEN_MINUTES / 60, EVE_MINUTES / 60)
    assert ben + eve == TOTAL_HOURS

    # 2. The duo pages: the mentor's hours (each counted once) and, inside them, the duo's meetings.
    def duo_page(user: Any, name: str, duo: Duo) -> str:
        return client_for(user).get(reverse(f"meetings:{name}", kwargs={"pk": duo.pk}), QUERY).content.decode()

    pages = {
        "ben": duo_page(cast.ben_user, "mentor_duo", cast.paris_duo),
        "eve": duo_page(company.eve_user, "mentor_duo", company.eve_duo),
        "staff": duo_page(cast.amara, "staff_duo", company.eve_old_duo),
    }
    assert all(period_fr in page for page in pages.values())
    assert _hours(pages["ben"], "hours-total") == [BEN_MINUTES / 60]
    assert _hours(pages["eve"], "hours-total") == _hours(pages["staff"], "hours-total") == [EVE_MINUTES / 60]
    assert _hours(pages["ben"], "duo-hours") == [2.5]  # 90 + 60 min: the duo's counted meetings
    assert _hours(pages["eve"], "duo-hours") == [1.0]
    assert _hours(pages["staff"], "duo-hours") == [0.5]  # Eve's earlier duo

    # 3. The company table (staff).
    staff_table = client_for(cast.amara).get(reverse("sponsorship:company_hours", kwargs={"pk": cast.acme.pk}), QUERY)
    assert period_fr in staff_table.content.decode()
    assert _hours(staff_table.content.decode(), "hours-total") == [TOTAL_HOURS]

    # 4. The statement, approved once its period is over: its lines, its page and its PDF.
    services.declare_hourly_cost(cast.acme, hourly_cost_cents=6_000, actor=cast.hugo)
    statement = services.draft_statement(cast.acme, starts_on=START, ends_on=END, actor=cast.amara)
    services.approve_statement(statement, actor=cast.amara)
    statement = Statement.objects.get(pk=statement.pk)
    lines = {line.employee_name: line for line in statement.lines.all()}
    assert {name: line.total_minutes for name, line in lines.items()} == {
        "Ben Durand": BEN_MINUTES,
        "Eve Laurent": EVE_MINUTES,
    }
    assert (lines["Ben Durand"].phone_minutes, lines["Eve Laurent"].phone_minutes) == (60, 0)
    assert selectors.statement_figures(statement).total_hours == TOTAL_HOURS
    page = client_for(cast.amara).get(reverse("sponsorship:statement", kwargs={"pk": statement.pk})).content.decode()
    assert _hours(page, "total-hours") == [TOTAL_HOURS]
    with translation.override("fr"):
        text = _pdf_text(documents.statement_pdf(statement))
    assert "13,0" in text  # the total hours
    assert "780,00 €" in text  # 13 h at 60 €
    assert "dont par téléphone" in text

    # 5. The company contact's portal.
    portal = client_for(cast.hugo).get(reverse("company_portal"), QUERY).content.decode()
    assert period_fr in portal
    assert _hours(portal, "hours-total") == [TOTAL_HOURS]


def test_kpis_hours_agree_with_the_ledger_for_the_same_duos(cast: Cast, client_for: Any) -> None:
    build(cast, client_for)
    # By hand, every counted hour of Acme's duos up to today (the KPI has no other period): two
    # training days (7 h each, each counted once), Ben's meetings 90 + 60 + 120 min and his two
    # workshops 2 h + 2 h, Eve's meetings 30 + 60 min.
    expected = 7 + 7 + (90 + 60 + 120) / 60 + 4 + (30 + 60) / 60
    figures = {f.key: f for f in kpis.figures(kpis.Slice(company_id=cast.acme.pk), today=date(2026, 12, 1))}
    assert figures["hours"].numerator == pytest.approx(expected)
    from binome.meetings.hours import Period, ledger, tally

    counted = tally(ledger(period=Period(None, date(2026, 12, 1)), company_ids=[cast.acme.pk]))
    assert counted.total_hours == pytest.approx(expected)


def test_the_phone_confirmation_is_shown_to_both_members_and_audited(cast: Cast, client_for: Any) -> None:
    company = build(cast, client_for)
    meeting = Meeting.objects.get(pk=company.phone_meeting.pk)
    assert (meeting.confirmed_as, meeting.phone_member_name, meeting.confirmed_by) == (
        "phone",
        "Chloé Haddad",
        cast.amara,
    )
    event = AuditEvent.objects.get(verb="confirmed meeting", actor=cast.amara)
    assert event.target_id == str(meeting.pk)
    shown = (
        "Confirmé par téléphone auprès de Chloé Haddad par amara@binome.test : Chloé n&#x27;a plus accès à son compte"
    )
    for user, name in [(cast.ben_user, "mentor_duo"), (cast.chloe_user, "mentee_duo")]:
        page = client_for(user).get(reverse(f"meetings:{name}", kwargs={"pk": cast.paris_duo.pk})).content.decode()
        assert shown in page, name


def test_a_phone_confirmation_needs_a_reason_and_stays_in_the_coordinators_territory(
    cast: Cast, client_for: Any
) -> None:
    meeting = _meeting(cast.paris_duo, date(2026, 5, 2), 60, by=cast.ben_user, author="mentor")
    url = reverse("meetings:staff_phone_confirmation", kwargs={"pk": cast.paris_duo.pk, "meeting": meeting.pk})
    amara = client_for(cast.amara)
    form = amara.get(url).content.decode()
    assert "Chloé Haddad (mentoré)" in form
    assert "Ben Durand (mentor)" not in form  # only the member who did not record it
    response = amara.post(url, {"member": "mentee", "reason": "  "})
    assert response.status_code == 422
    page = response.content.decode()
    summary = page[page.index('id="error-summary"') : page.index("</div>", page.index('id="error-summary"'))]
    assert '<a href="#id_reason">Motif</a> : Ce champ est obligatoire.' in summary
    response = amara.post(url, {"member": "mentor", "reason": "Il a appelé"})  # the author cannot confirm
    assert response.status_code == 422
    meeting.refresh_from_db()
    assert not meeting.is_confirmed
    assert client_for(cast.lucie).get(url).status_code == 404  # Lyon's coordinator
    assert client_for(cast.lucie).post(url, {"member": "mentee", "reason": "x"}).status_code == 404
    with pytest.raises(ValidationError):
        meetings.confirm_meeting(meeting, actor=cast.amara, as_role="staff")
    meetings.record_phone_confirmation(meeting, actor=cast.amara, member="mentee", reason="Pas de smartphone")
    assert amara.get(url).status_code == 404  # confirmed: nothing left to record
    with pytest.raises(ValidationError):
        meetings.record_phone_confirmation(meeting, actor=cast.amara, member="mentee", reason="Encore")


def test_a_statement_cannot_be_approved_before_its_period_ends(cast: Cast, client_for: Any) -> None:
    today = timezone.localdate()
    statement = services.draft_statement(
        cast.acme, starts_on=date(2026, 1, 1), ends_on=today, hourly_cost_cents=5_000, actor=cast.amara
    )
    with pytest.raises(ValidationError, match="before its period ends"):
        services.approve_statement(statement, actor=cast.amara)
    client = client_for(cast.amara)
    page = client.get(reverse("sponsorship:statement", kwargs={"pk": statement.pk})).content.decode()
    assert "une fois sa période terminée" in page
    assert re.search(r"<button type=\"button\" disabled[^>]*>Valider le relevé", page)
    response = client.post(reverse("sponsorship:statement_approve", kwargs={"pk": statement.pk}), follow=True)
    assert "ne peut pas être approuvé avant la fin de sa période" in response.content.decode()
    statement.refresh_from_db()
    assert statement.status == Statement.Status.DRAFT
    assert not statement.lines.exists()
