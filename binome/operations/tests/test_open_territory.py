"""Opening a new territory (service, page, command) and the national comparison page."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from binome.accounts.models import Role, User
from binome.cohorts.models import ProgrammeTemplate
from binome.operations.selectors import territory_comparison
from binome.operations.services import open_territory
from binome.organisations.models import Organisation
from binome.reference.models import Place
from binome.sourcing.models import EligibilityRules
from binome.territories.models import Territory

pytestmark = pytest.mark.django_db
TOURS = 2972191


@pytest.fixture
def national_rules() -> EligibilityRules:
    rules, _created = EligibilityRules.objects.get_or_create(territory=None)
    rules.min_age, rules.max_age, rules.min_french_level = 18, 55, "A2"
    rules.protection_statuses = ["refugee", "subsidiary"]
    rules.save()
    rules.places.set([TOURS])
    return rules


def verified(user: User) -> None:
    """An account whose address was proven by a link (issue #15, F4: only those get a staff role at once)."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


def test_opening_a_territory_copies_the_national_rules_and_template_and_assigns_coordinators(
    cast: Any, national_rules: EligibilityRules, django_capture_on_commit_callbacks: Any
) -> None:
    verified(cast.amara)
    template = ProgrammeTemplate.objects.get(is_default=True)
    with django_capture_on_commit_callbacks(execute=True):
        opened = open_territory(
            name="Tours",
            slug="tours",
            centre=Place.objects.get(pk=TOURS),
            radius_km=30,
            coordinator_emails=["new.coord@binome.test", "amara@binome.test"],
            template=None,
            actor=cast.nadia,
        )
    tours = opened.territory
    assert (tours.name, tours.slug, tours.centre_id, tours.radius_km) == ("Tours", "tours", TOURS, 30)
    assert tours.opened_on is not None

    rules = EligibilityRules.objects.get(territory=tours)
    assert rules.pk != national_rules.pk
    assert (rules.min_age, rules.max_age, rules.min_french_level) == (18, 55, "A2")
    assert rules.protection_statuses == ["refugee", "subsidiary"]
    assert list(rules.places.values_list("pk", flat=True)) == [TOURS]
    assert EligibilityRules.objects.get(territory=None).pk == national_rules.pk  # untouched

    assert opened.template is not None
    assert opened.template.territory == tours
    assert opened.template.items.count() == template.items.count()
    assert opened.template.items.filter(resources__isnull=False).exists()

    coordinators = set(
        Role.objects.filter(kind=Role.Kind.COORDINATOR, territory=tours).values_list("user__email", flat=True)
    )
    assert coordinators == {"new.coord@binome.test", "amara@binome.test"}
    new = User.objects.get(email="new.coord@binome.test")
    assert not new.has_usable_password()
    assert [u.email for u in opened.new_users] == ["new.coord@binome.test"]
    # Only the new account gets the "choose your password" invitation, through the queue.
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path="binome.lib.mail.deliver_email")
    assert queued.count() == 1
    from binome.lib.models import OutgoingMessage  # the task carries only the message's id

    assert OutgoingMessage.objects.get(pk=queued.get().args_kwargs["args"][0]).recipients == ["new.coord@binome.test"]
    assert mail.outbox == []

    # Coordinators are there; partners, companies, a first cohort and trained mentors are missing.
    assert [item.done for item in opened.checklist] == [True, False, False, False, False]
    assert [item.count for item in opened.checklist] == [2, 0, 0, 0, 0]


def test_the_checklist_ticks_what_the_territory_has(cast: Any) -> None:
    verified(cast.amara)
    opened = open_territory(
        name="Tours",
        slug="tours",
        centre=Place.objects.get(pk=TOURS),
        radius_km=30,
        coordinator_emails=["amara@binome.test"],
        template=None,
        actor=cast.nadia,
    )
    Organisation.objects.create(name="Tours Accueil", slug="tours-accueil", kind="ngo", territory=opened.territory)
    from binome.operations.selectors import opening_checklist

    done = [item.done for item in opening_checklist(opened.territory)]
    assert done == [True, True, False, False, False]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "paris"}, "slug"),
        ({"name": "paris"}, "name"),
        ({"coordinator_emails": []}, "coordinators"),
        ({"coordinator_emails": ["not an email"]}, "coordinators"),
    ],
)
def test_bad_input_opens_nothing(cast: Any, changes: dict[str, Any], field: str) -> None:
    before = Territory.objects.count(), User.objects.count(), EligibilityRules.objects.count()
    arguments = {
        "name": "Tours",
        "slug": "tours",
        "centre": Place.objects.get(pk=TOURS),
        "radius_km": 30,
        "coordinator_emails": ["x@binome.test"],
        "template": None,
        "actor": cast.nadia,
    }
    with pytest.raises(ValidationError) as error:
        open_territory(**{**arguments, **changes})
    assert field in error.value.message_dict
    assert (Territory.objects.count(), User.objects.count(), EligibilityRules.objects.count()) == before


# --- the command ---------------------------------------------------------------------------


def test_the_command_opens_a_territory_by_place_name_and_prints_the_checklist(
    cast: Any, national_rules: EligibilityRules
) -> None:
    out = StringIO()
    call_command(
        "open_territory",
        "--name",
        "Tours",
        "--slug",
        "tours",
        "--centre",
        "Tours",
        "--coordinator",
        "coord.tours@binome.test",
        "--template",
        "Programme Binôme 6 mois",
        stdout=out,
    )
    tours = Territory.objects.get(slug="tours")
    assert tours.centre_id == TOURS
    assert EligibilityRules.objects.filter(territory=tours).exists()
    assert Role.objects.filter(user__email="coord.tours@binome.test", territory=tours).exists()
    assert "coord.tours@binome.test" in out.getvalue()
    assert "[ ]" in out.getvalue()


def test_the_command_takes_a_geonames_id(cast: Any) -> None:
    call_command(
        "open_territory",
        "--name=Tours",
        "--slug=tours",
        f"--centre={TOURS}",
        "--coordinator=a@b.test",
        stdout=StringIO(),
    )
    assert Territory.objects.get(slug="tours").centre_id == TOURS


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--name=Atlantis", "--slug=atlantis", "--centre=Atlantis", "--coordinator=a@b.test"], "Atlantis"),
        (["--name=Paris bis", "--slug=paris", "--centre=Paris", "--coordinator=a@b.test"], "paris"),
        (["--name=Tours", "--slug=tours", "--centre=Tours", "--coordinator=a@b.test", "--template=Nope"], "Nope"),
        (["--name=Tours", "--slug=tours", "--centre=Tours", "--coordinator=nope"], "nope"),
    ],
)
def test_the_command_fails_clearly_with_exit_code_1_and_creates_nothing(
    cast: Any, arguments: list[str], message: str
) -> None:
    before = Territory.objects.count(), User.objects.count(), Role.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("open_territory", *arguments, stdout=StringIO())
    assert message in str(error.value)
    assert error.value.returncode == 1
    assert (Territory.objects.count(), User.objects.count(), Role.objects.count()) == before


def test_the_command_exits_with_status_1_from_the_shell(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import ManagementUtility

    # run_from_argv closes every connection when it ends; inside the test transaction that would
    # close PostgreSQL's (as with the worker, see binome/lib/tests/test_email_worker.py).
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(
            ["manage.py", "open_territory", "--name=X", "--slug=x", "--centre=Atlantis", "--coordinator=a@b.test"]
        ).execute()
    assert exit_.value.code == 1
    assert not Territory.objects.filter(slug="x").exists()


# --- pages ---------------------------------------------------------------------------------


def test_a_national_admin_opens_a_territory_on_the_page(cast: Any, client_for: Any) -> None:
    verified(cast.amara)
    client = client_for(cast.nadia)
    response = client.post(
        "/staff/open-territory/",
        {
            "name": "Tours",
            "slug": "tours",
            "centre": "Tours",
            "radius_km": "30",
            "coordinators": "coord.tours@binome.test\namara@binome.test",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/territories/tours/checklist/"
    page = client.get(response["Location"]).content.decode()
    assert "Tours" in page
    assert Role.objects.filter(territory__slug="tours").count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Tours", "slug": "paris", "centre": "Tours", "radius_km": "30", "coordinators": "a@b.test"},
        {"name": "Tours", "slug": "tours", "centre": "Atlantis", "radius_km": "30", "coordinators": "a@b.test"},
        {"name": "Tours", "slug": "to urs", "centre": "Tours", "radius_km": "30", "coordinators": "a@b.test"},
        {"name": "Tours", "slug": "tours", "centre": "Tours", "radius_km": "-3", "coordinators": "a@b.test"},
        {"name": "Tours", "slug": "tours", "centre": "Tours", "radius_km": "30", "coordinators": "not-an-email"},
    ],
)
def test_bad_input_on_the_open_territory_page_re_renders(cast: Any, client_for: Any, data: dict[str, str]) -> None:
    before = Territory.objects.count(), User.objects.count()
    response = client_for(cast.nadia).post("/staff/open-territory/", data)
    assert response.status_code == 400
    assert (Territory.objects.count(), User.objects.count()) == before


def test_the_checklist_page_is_scoped_to_the_coordinators_territories(cast: Any, client_for: Any) -> None:
    assert client_for(cast.amara).get("/staff/territories/paris/checklist/").status_code == 200
    assert client_for(cast.amara).get("/staff/territories/lyon/checklist/").status_code == 404
    assert client_for(cast.ben_user).get("/staff/territories/paris/checklist/").status_code == 404


def test_the_national_page_compares_territories_in_a_fixed_number_of_queries(
    cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.nadia)
    client.get("/staff/national/")  # warm the session and caches
    with django_assert_max_num_queries(12) as small:
        client.get("/staff/national/")
    for n in range(6):  # more territories, each with a partner, a company and a cohort
        opened = open_territory(
            name=f"Ville {n}",
            slug=f"ville-{n}",
            centre=Place.objects.get(pk=TOURS),
            radius_km=30,
            coordinator_emails=[f"c{n}@binome.test"],
            template=None,
            actor=cast.nadia,
        )
        Organisation.objects.create(name=f"Asso {n}", slug=f"asso-{n}", kind="ngo", territory=opened.territory)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/staff/national/")
    assert response.status_code == 200
    rows = {r.territory.slug: r for r in territory_comparison()}
    paris = rows["paris"]
    assert (paris.partners, paris.companies, paris.mentors_trained, paris.duos_active, paris.cohorts) == (1, 2, 1, 1, 1)
    assert paris.referred == 1
    assert paris.enrolled == 1  # Chloé is matched, so enrolled or beyond
    assert rows["ville-0"].partners == 1
