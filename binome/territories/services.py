"""Opening a new territory: one action for the page and the `open_territory` command."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from allauth.account.forms import ResetPasswordForm
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.models import Role, User
from binome.cohorts.models import ProgrammeTemplate
from binome.cohorts.services import clone_template
from binome.privacy import audit
from binome.reference.models import Place
from binome.sourcing.models import EligibilityRules
from binome.territories.models import Territory
from binome.territories.selectors import ChecklistItem, opening_checklist


@dataclass
class OpenedTerritory:
    territory: Territory
    template: ProgrammeTemplate | None
    coordinators: list[User]
    new_users: list[User] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)


def _copy_national_rules(territory: Territory) -> EligibilityRules | None:
    national = EligibilityRules.objects.filter(territory=None).first()
    if national is None:
        return None
    places = list(national.places.all())
    national.pk = None
    national.id = None
    national.territory = territory
    national._state.adding = True
    national.save()
    national.places.set(places)
    return national


def _send_set_password_email(user: User, request: HttpRequest | None) -> None:
    """allauth's own reset email (queued through the worker by our adapter): the new
    coordinator chooses a password; we never make one up and send it."""
    if request is None:
        # From the command line: a request on the site's address, for allauth's absolute links.
        site = urlsplit(settings.SITE_URL)
        https = site.scheme == "https"
        request = RequestFactory().get(
            "/",
            SERVER_NAME=site.hostname or "localhost",
            SERVER_PORT=str(site.port or (443 if https else 80)),
            secure=https,
        )
    form = ResetPasswordForm(data={"email": user.email})
    if form.is_valid():
        # allauth reads the request from its own context, which only its middleware sets.
        with allauth_context.request_context(request):
            form.save(request)


@transaction.atomic
def open_territory(
    *,
    name: str,
    slug: str,
    centre: Place,
    radius_km: int,
    coordinator_emails: list[str],
    template: ProgrammeTemplate | None,
    actor: Any,
    request: HttpRequest | None = None,
) -> OpenedTerritory:
    """Create the territory, its eligibility rules (a copy of the national default), its own
    copy of the programme template, and its coordinators (new accounts get an email to set
    their password). Returns what is still missing before the first cohort."""
    errors: dict[str, list[str]] = {}
    if Territory.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append(_("A territory with the slug “%(slug)s” already exists.") % {"slug": slug})
    if Territory.objects.filter(name__iexact=name).exists():
        errors.setdefault("name", []).append(_("A territory named “%(name)s” already exists.") % {"name": name})
    emails = sorted({e.strip().lower() for e in coordinator_emails if e.strip()})
    if not emails:
        errors.setdefault("coordinators", []).append(_("Name at least one coordinator."))
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("coordinators", []).append(_("“%(email)s” is not an email address.") % {"email": email})
    if template is None:
        template = ProgrammeTemplate.objects.filter(is_default=True).first()
    if template is not None and template.territory_id is not None:
        errors.setdefault("template", []).append(_("Choose a national template."))
    if errors:
        raise ValidationError(errors)

    territory = Territory.objects.create(
        name=name, slug=slug, centre=centre, radius_km=radius_km, opened_on=timezone.localdate()
    )
    audit.record(actor=actor, verb="opened", target=territory)
    _copy_national_rules(territory)
    copy = None
    if template is not None:
        copy = clone_template(template, territory=territory, name=f"{template.name} · {name}")
    coordinators, new_users = [], []
    for email in emails:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None)  # unusable until they set one
            new_users.append(user)
            audit.record(actor=actor, verb="created", target=user)
        Role.objects.create(user=user, kind=Role.Kind.COORDINATOR, territory=territory)
        audit.record(actor=actor, verb="granted coordinator role", target=user, territory=territory.pk)
        coordinators.append(user)
    for user in new_users:
        _send_set_password_email(user, request)
    return OpenedTerritory(
        territory=territory,
        template=copy,
        coordinators=coordinators,
        new_users=new_users,
        checklist=opening_checklist(territory),
    )
