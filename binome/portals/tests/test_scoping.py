"""What each role sees and never sees, beyond the status codes of the matrix."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from binome.audit.models import AuditEvent
from binome.people.selectors import mentors_visible_to
from binome.sourcing.selectors import referrals_visible_to
from conftest import Cast


def test_a_lyon_coordinator_gets_404_on_a_paris_mentee_file(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.lucie).get(reverse("people:person", args=[cast.chloe.person_id]))
    assert response.status_code == 404
    assert "Haddad" not in response.content.decode()


def test_the_paris_coordinator_sees_only_paris_people_in_the_list(cast: Cast, client_for: Any) -> None:
    page = client_for(cast.amara).get(reverse("people:people")).content.decode()
    assert "Chloé Haddad" in page
    assert "Ben Durand" in page
    assert "Leïla" not in page
    assert "Dev Martin" not in page


def test_opening_a_file_is_recorded_with_who_looked(cast: Cast, client_for: Any) -> None:
    client_for(cast.amara).get(reverse("people:person", args=[cast.chloe.person_id]))
    event = AuditEvent.objects.get(verb="viewed")
    assert event.actor == cast.amara
    assert (event.target_type, event.target_id) == ("people.person", str(cast.chloe.person_id))


def test_a_company_contact_sees_their_employees_but_no_mentee_data(cast: Cast, client_for: Any) -> None:
    page = client_for(cast.hugo).get(reverse("company_portal")).content.decode()
    assert "Ben Durand" in page
    for mentee_detail in ["Chloé", "Haddad", "06 11 22 33 44", "chloe@example.org"]:
        assert mentee_detail not in page
    assert "Dev Martin" not in page  # another company's employee


def test_a_company_contact_cannot_list_mentors_of_another_company(cast: Cast) -> None:
    visible = mentors_visible_to(cast.hugo)
    assert list(visible) == [cast.ben]


def test_a_mentor_sees_the_mentees_first_name_and_goal_but_not_her_contact_details(cast: Cast, client_for: Any) -> None:
    page = client_for(cast.ben_user).get(reverse("mentor_portal")).content.decode()
    assert "Chloé" in page
    assert "Développeur" in page  # her target occupation
    assert "Haddad" not in page
    assert "06 11 22 33 44" not in page


def test_a_mentee_sees_her_mentor_and_nothing_of_other_duos(cast: Cast, client_for: Any) -> None:
    page = client_for(cast.chloe_user).get(reverse("mentee_portal")).content.decode()
    assert "Ben" in page
    assert "Dev" not in page


def test_a_referrer_sees_only_the_referrals_of_her_partner(cast: Cast, client_for: Any) -> None:
    page = client_for(cast.farah).get(reverse("partner_portal")).content.decode()
    assert "Chloé Haddad" in page
    assert "Leïla" not in page
    assert list(referrals_visible_to(cast.farah)) == [cast.chloe_referral]


def test_a_referrer_cannot_open_the_file_of_the_person_she_referred(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.farah).get(reverse("people:person", args=[cast.chloe.person_id]))
    assert response.status_code == 404


def test_funders_see_small_counts_hidden(cast: Cast, client_for: Any) -> None:
    page = client_for(cast.fiona).get(reverse("funder_portal")).content.decode()
    assert ">masqué<" in page
    assert "Chloé" not in page


def test_pages_with_personal_data_are_not_cached(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).get(reverse("people:person", args=[cast.chloe.person_id]))
    assert response["Cache-Control"] == "no-store"


def test_the_django_admin_is_closed_to_coordinators(cast: Cast, client_for: Any) -> None:
    cast.amara.is_staff = True  # even with the flag, the role decides
    cast.amara.save()
    response = client_for(cast.amara).get("/admin/people/person/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_company_page_counts_employees_by_training_status(cast: Cast, client_for: Any) -> None:
    from binome.people.services import create_mentor_profile, create_person

    person = create_person(actor=None, first_name="Eva", last_name="Roux", territory=cast.paris)
    create_mentor_profile(person, actor=None, company=cast.acme, job_title="RH", occupation_id="M1503")
    response = client_for(cast.hugo).get(reverse("company_portal"))
    counts = dict(response.context["training_counts"])
    assert [n for n in counts.values() if n] == [1, 1]  # one not trained (Eva), one trained (Ben)
