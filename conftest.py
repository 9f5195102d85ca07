"""Shared fixtures: reference data once per test database, and the named cast.

The cast (`Cast` and `build_cast` below, written through the real services): Amara
coordinates Paris; Ben (Acme) mentors Chloé; Dev mentors Leïla in Lyon, where Lucie
coordinates, and neither must see anything of Paris; Farah is a referrer at a Paris NGO;
Hugo is Acme's HR contact; Acme and Boulangerie Martin (an SME) are companies; Nadia is
the national admin; Fiona reads the funder's reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import reset_hashers
from django.utils.text import slugify

from binome.accounts.models import Role, User
from binome.cohorts.models import Cohort
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile, MentorProfile, Person
from binome.people.services import create_mentee_profile, create_mentor_profile, create_person, set_languages
from binome.reference.services import load_reference_data
from binome.sourcing.models import Referral
from binome.territories.models import Territory

# A transactional test empties every table it may touch when it ends; the reference data (ROME,
# GeoNames, loaded once per test database) must survive it, so such tests leave that app out.
APPS_BUT_REFERENCE = [app for app in settings.INSTALLED_APPS if app != "binome.reference"]

PASSWORD = "correct-horse-battery-staple"
PARIS, LYON = 2988507, 2996944

# Argon2 is slow on purpose (about 3 s of CPU to build the cast's eleven accounts, in hundreds of
# tests): the suite hashes with a fast hasher. A test about hashing itself restores the
# production list with `production_password_hashers`.
PRODUCTION_PASSWORD_HASHERS = list(settings.PASSWORD_HASHERS)
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
reset_hashers(setting="PASSWORD_HASHERS")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_reference_data()


@dataclass
class Cast:
    paris: Territory
    lyon: Territory
    acme: Organisation
    boulangerie: Organisation
    paris_ngo: Organisation
    lyon_ngo: Organisation
    ben: MentorProfile
    chloe: MenteeProfile
    dev: MentorProfile
    leila: MenteeProfile
    chloe_referral: Referral
    leila_referral: Referral
    paris_duo: Duo
    lyon_duo: Duo
    nadia: User
    amara: User
    lucie: User
    hugo: User
    ben_user: User
    chloe_user: User
    dev_user: User
    leila_user: User
    farah: User
    fiona: User


def _user(email: str, kind: str, **scope: Any) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    Role.objects.create(user=user, kind=kind, **scope)
    return user


def _mentor(first: str, last: str, territory: Territory, company: Organisation, place: int) -> MentorProfile:
    person = create_person(
        actor=None, first_name=first, last_name=last, territory=territory, email=f"{slugify(first)}@example.com"
    )
    set_languages(person, {"fr": "native", "en": "C1"}, actor=None)
    return create_mentor_profile(
        person,
        actor=None,
        company=company,
        job_title="Développeur",
        occupation_id="M1805",
        workplace_id=place,
        training_status=MentorProfile.Training.COMPLETED,
    )


def _mentee(first: str, last: str, territory: Territory, place: int) -> MenteeProfile:
    person = create_person(
        actor=None,
        first_name=first,
        last_name=last,
        territory=territory,
        phone="06 11 22 33 44",
        email=f"{slugify(first)}@example.org",
        country_of_origin="SY",
    )
    set_languages(person, {"ar": "native", "fr": "B1"}, actor=None)
    return create_mentee_profile(
        person,
        actor=None,
        targets=["M1805"],
        protection_status=MenteeProfile.ProtectionStatus.REFUGEE,
        french_level="B1",
        home_id=place,
    )


def build_cast() -> Cast:
    paris = Territory.objects.create(name="Paris", slug="paris", centre_id=PARIS)
    lyon = Territory.objects.create(name="Lyon", slug="lyon", centre_id=LYON)
    acme = Organisation.objects.create(
        name="Acme", slug="acme", kind="company", territory=paris, sector_id="62", size_band="large"
    )
    boulangerie = Organisation.objects.create(
        name="Boulangerie Martin",
        slug="boulangerie-martin",
        kind="company",
        territory=paris,
        sector_id="10",
        size_band="micro",
    )
    lyon_co = Organisation.objects.create(
        name="Rhône Data", slug="rhone-data", kind="company", territory=lyon, sector_id="62", size_band="mid"
    )
    paris_ngo = Organisation.objects.create(name="Accueil Exilés Paris", slug="paris-ngo", kind="ngo", territory=paris)
    lyon_ngo = Organisation.objects.create(name="Entraide Rhône", slug="entraide-rhone", kind="ngo", territory=lyon)
    ben = _mentor("Ben", "Durand", paris, acme, PARIS)
    chloe = _mentee("Chloé", "Haddad", paris, PARIS)
    dev = _mentor("Dev", "Martin", lyon, lyon_co, LYON)
    leila = _mentee("Leïla", "Nassar", lyon, LYON)
    chloe_referral = Referral.objects.create(person=chloe.person, partner=paris_ngo, status=Referral.Status.MATCHED)
    leila_referral = Referral.objects.create(person=leila.person, partner=lyon_ngo, status=Referral.Status.MATCHED)
    paris_cohort = Cohort.objects.create(
        territory=paris, name="Paris printemps", starts_on=date(2026, 3, 1), ends_on=date(2026, 9, 1)
    )
    lyon_cohort = Cohort.objects.create(
        territory=lyon, name="Lyon printemps", starts_on=date(2026, 3, 1), ends_on=date(2026, 9, 1)
    )
    paris_duo = Duo.objects.create(cohort=paris_cohort, mentor=ben, mentee=chloe, started_on=date(2026, 3, 8))
    lyon_duo = Duo.objects.create(cohort=lyon_cohort, mentor=dev, mentee=leila, started_on=date(2026, 3, 8))
    nadia = _user("nadia@binome.test", Role.Kind.NATIONAL_ADMIN)
    nadia.is_staff = nadia.is_superuser = True
    nadia.save()
    return Cast(
        paris=paris,
        lyon=lyon,
        acme=acme,
        boulangerie=boulangerie,
        paris_ngo=paris_ngo,
        lyon_ngo=lyon_ngo,
        ben=ben,
        chloe=chloe,
        dev=dev,
        leila=leila,
        chloe_referral=chloe_referral,
        leila_referral=leila_referral,
        paris_duo=paris_duo,
        lyon_duo=lyon_duo,
        nadia=nadia,
        amara=_user("amara@binome.test", Role.Kind.COORDINATOR, territory=paris),
        lucie=_user("lucie@binome.test", Role.Kind.COORDINATOR, territory=lyon),
        hugo=_user("hugo@acme.test", Role.Kind.COMPANY_CONTACT, organisation=acme),
        ben_user=_user("ben@acme.test", Role.Kind.MENTOR, person=ben.person),
        chloe_user=_user("chloe@example.org", Role.Kind.MENTEE, person=chloe.person),
        dev_user=_user("dev@rhone.test", Role.Kind.MENTOR, person=dev.person),
        leila_user=_user("leila@example.org", Role.Kind.MENTEE, person=leila.person),
        farah=_user("farah@paris-ngo.test", Role.Kind.REFERRER, organisation=paris_ngo),
        fiona=_user("fiona@fondation.test", Role.Kind.FUNDER),
    )


@pytest.fixture
def production_password_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS


@pytest.fixture
def cast(db: Any) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _whole_relation_graph_under_available_apps(request: pytest.FixtureRequest) -> None:
    """Transactional tests leave the reference data alone (`available_apps` without
    binome.reference, so its tables are not flushed). While the registry is narrowed, Django
    builds the reverse relations of a model outside it as empty (a reference Occupation would
    not know the mentee profiles pointing at it) and caches them. Build every model's relations
    with all apps in view first; narrowing again only expires the caches of the apps in view."""
    marker = request.node.get_closest_marker("django_db")
    available = marker.kwargs.get("available_apps") if marker else None
    if not available:
        return
    request.getfixturevalue("_django_db_helper")  # the test case has narrowed the registry
    from django.apps import apps

    apps.unset_available_apps()
    try:
        for model in apps.get_models(include_auto_created=True):
            model._meta.related_objects  # noqa: B018  # computed and cached with every app in view
    finally:
        apps.set_available_apps(available)


def queued_emails(address: str | None = None) -> list[Any]:
    """The emails waiting for the worker, oldest first, optionally only those to `address`.

    Each `deliver_email` task carries only its message's id (no address or link in the task
    table); the message itself waits, encrypted, in `OutgoingMessage`."""
    from django_tasks_db.models import DBTaskResult

    from binome.lib.models import OutgoingMessage

    tasks = DBTaskResult.objects.filter(task_path="binome.lib.mail.deliver_email").order_by("pk")
    ids = [task.args_kwargs["args"][0] for task in tasks]
    messages = OutgoingMessage.objects.in_bulk(ids)
    found = [messages[pk] for pk in ids if pk in messages]
    return [m for m in found if address is None or m.recipients == [address]]


def totp_code(secret: str) -> str:
    """The authenticator app's current code for `secret`. A code read in the last seconds of its
    30-second window may reach the server in the next one on a loaded machine: wait for a fresh
    window first, as a person would for the next code."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def give_second_factor(user: User) -> None:
    """The roles that must use two-factor authentication get an authenticator app, as in production."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from binome.accounts.security import has_second_factor, mfa_required

    if mfa_required(user) and not has_second_factor(user):
        TOTP.activate(user, generate_totp_secret())


def pass_second_factor(client: Any, user: User) -> None:
    """Record in the client's session what allauth records when a sign-in's second-factor step
    succeeds: `force_login` runs no such step, and a session without it must enter the code."""
    from allauth.account.internal.flows.login import record_authentication
    from django.http import HttpRequest

    from binome.accounts.security import has_second_factor

    if has_second_factor(user):
        request = HttpRequest()
        request.session = client.session
        record_authentication(request, user, "mfa", type="totp")
        request.session.save()


@pytest.fixture
def client_for(client: Any) -> Any:
    """`client_for(user)` returns the test client signed in as that user (past its second factor)."""

    def sign_in(user: User | None) -> Any:
        client.logout()
        if user is not None:
            give_second_factor(user)
            client.force_login(user)
            pass_second_factor(client, user)
        return client

    return sign_in


__all__ = ["PASSWORD", "PRODUCTION_PASSWORD_HASHERS", "Cast", "Person"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The few tests that take minutes (marked `long`) are dealt out to the workers and each worker
    starts with its share.

    pytest-xdist's worksteal scheduler hands each worker one contiguous slice of the collection and
    later steals from the end of a busy worker's queue; with the long tests together, one worker
    would run them all while the other ran out of work. Every worker computes the same order."""
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    long_tests = [item for item in items if item.get_closest_marker("long") is not None]
    if not long_tests:
        return
    short_tests = [item for item in items if item.get_closest_marker("long") is None]
    piles = [long_tests[w::workers] for w in range(workers)]
    ordered: list[pytest.Item] = []
    for w, pile in enumerate(piles):
        # The slice the scheduler gives worker w is the next len(items) // (workers - w) items.
        size = (len(items) - len(ordered)) // (workers - w)
        take = max(0, size - len(pile))
        ordered += pile + short_tests[:take]
        short_tests = short_tests[take:]
    items[:] = ordered + short_tests
