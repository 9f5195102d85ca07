"""Opening a new territory: one action for the page and the `open_territory` command."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts import links
from binome.accounts.actors import Actor
from binome.accounts.models import Role, User
from binome.audit import audit
from binome.cohorts.models import ProgrammeTemplate
from binome.cohorts.services import clone_template
from binome.operations.invitations import send_role_invitation
from binome.operations.selectors import ChecklistItem, opening_checklist
from binome.reference.models import Place
from binome.sourcing.models import EligibilityRules
from binome.territories.models import Territory


@dataclass
class OpenedTerritory:
    territory: Territory
    template: ProgrammeTemplate | None
    coordinators: list[User]
    new_users: list[User] = field(default_factory=list)
    # Existing accounts whose address was never proven: invited, the role comes with the link.
    invited: list[User] = field(default_factory=list)
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


@transaction.atomic
def open_territory(
    *,
    name: str,
    slug: str,
    centre: Place,
    radius_km: int,
    coordinator_emails: list[str],
    template: ProgrammeTemplate | None,
    actor: Actor,
    request: HttpRequest | None = None,
) -> OpenedTerritory:
    """Create the territory, its eligibility rules (a copy of the national default), its own
    copy of the programme template, and its coordinators. A coordinator role takes effect only on
    a proven address: an account whose address is verified gets it at once; a new account gets it
    too, but stays unusable until a password is chosen through the link emailed to it; an existing
    account whose address was never proven gets only the link, and the role when it is followed
    (`binome.accounts.links`). Returns what is still missing before the first cohort.
    `request` is kept for the page's call; links are built on SITE_URL."""
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
    audit.record(actor=actor, verb=audit.Verb.OPENED, target=territory)
    _copy_national_rules(territory)
    copy = None
    if template is not None:
        copy = clone_template(template, territory=territory, name=f"{template.name} · {name}")
    coordinators: list[User] = []
    new_users: list[User] = []
    invited: list[User] = []
    for email in emails:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            # Unusable until someone sets a password through the link sent to this address.
            user = User.objects.create_user(email=email, password=None)
            new_users.append(user)
            audit.record(actor=actor, verb=audit.Verb.CREATED, target=user)
        elif not (user.is_active and links.email_verified(user)):
            # Anyone may have registered this address (an enrolment link asks no proof): the role
            # would go to whoever holds the account's password. The link proves the mailbox.
            invited.append(user)
            continue
        Role.objects.create(user=user, kind=Role.Kind.COORDINATOR, territory=territory)
        audit.record(actor=actor, verb=audit.Verb.GRANTED_COORDINATOR_ROLE, target=user, territory=territory.pk)
        coordinators.append(user)
    for user in [*new_users, *invited]:
        send_role_invitation(user, kind=Role.Kind.COORDINATOR, territory=territory, actor=actor)
    return OpenedTerritory(
        territory=territory,
        template=copy,
        coordinators=coordinators,
        new_users=new_users,
        invited=invited,
        checklist=opening_checklist(territory),
    )
