"""Accounts: the page a role invitation's link opens (binome.operations.invitations), the page a
mentee's handed-over connection link opens, and the staff pages that create accounts for every
role (partners and their referrers, company contacts, coordinators) and send invitations again."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.accounts import links
from binome.accounts.access import scope_of
from binome.accounts.models import Role, User
from binome.audit import audit
from binome.lib.qr import qr_svg
from binome.operations import selectors
from binome.operations.forms import InviteAccountForm, PartnerForm
from binome.operations.invitations import (
    accept_role_invitation,
    invitation_grant,
    invitation_pending,
    invite_to_role,
    resend_invitation,
)
from binome.organisations.models import Organisation
from binome.organisations.services import add_partner
from binome.people.accounts import connection_url, ensure_member_account, member_account
from binome.people.models import Person
from binome.people.selectors import people_visible_to, person_file
from binome.portals.decorators import section, staff_only
from binome.portals.helpers import acting_user, add_service_errors
from binome.territories.models import Territory
from binome.territories.selectors import territories_visible_to

national_admins_only = section(lambda s: s.national_admin)


def _signed_in_with_password(request: HttpRequest, user: User) -> None:
    """Sign in the account that just chose its password on this page: allauth counts that as a
    password sign-in of this session, so the two-factor set-up that follows does not ask it again."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    record_authentication(request, user, method="password", email=user.email, reauthenticated=True)


def role_invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = links.read_token(token, salt=links.ROLE_INVITATION, max_age_days=links.ROLE_INVITATION_DAYS)
    if found is None:
        return render(request, "portals/accounts/invitation.html", {"invalid": True}, status=404)
    user, data = found
    # Signed in as the invited account: the link proves the mailbox, the session the account.
    signed_in_as_invited = request.user.is_authenticated and request.user.pk == user.pk
    form = None if signed_in_as_invited else SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        password = form.cleaned_data["new_password1"] if form is not None else None
        # The address is verified in the same step: the link came to that mailbox.
        role = accept_role_invitation(user, data, new_password=password)
        if form is not None:
            _signed_in_with_password(request, user)
        messages.success(request, _("Welcome: you are now %(role)s.") % {"role": role})
        return redirect("home")  # the role's two-factor set-up first, if it needs one (middleware)
    return render(
        request,
        "portals/accounts/invitation.html",
        {"invalid": False, "form": form, "invited": user, "role": invitation_grant(data)},
        status=400 if form is not None and form.errors else 200,
    )


def connect(request: HttpRequest, token: str) -> HttpResponse:
    """The connection link a coordinator handed over (printed or copied) to a member without
    email: choose a password, and be signed in. Used up once the password is chosen."""
    found = links.read_token(token, salt=links.CONNECTION_LINK, max_age_days=links.CONNECTION_LINK_DAYS)
    if found is None or not scope_of(found[0]).kinds & {Role.Kind.MENTOR, Role.Kind.MENTEE}:
        return render(request, "portals/accounts/connect.html", {"invalid": True}, status=404)
    user = found[0]
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        audit.record(actor=user, verb=audit.Verb.UPDATED, target=user, fields=["password"], via="connection link")
        _signed_in_with_password(request, user)
        messages.success(request, _("Your password is saved: welcome to Binôme."))
        return redirect("home")
    return render(
        request,
        "portals/accounts/connect.html",
        {"invalid": False, "form": form, "member": user, "placeholder": links.is_placeholder(user.email)},
        status=400 if form.errors else 200,
    )


# --- staff: the accounts of organisations and territories -----------------------------------


@staff_only
def accounts(request: HttpRequest) -> HttpResponse:
    """Where staff create accounts: the partners and companies of their territories, and (national
    admins) each territory's coordinators."""
    organisations = (
        selectors.account_organisations_for(request.user).select_related("territory").order_by("kind", "name")
    )
    scope = scope_of(request.user)
    return render(
        request,
        "portals/accounts/accounts.html",
        {
            "partners": [o for o in organisations if o.is_partner],
            "companies": [o for o in organisations if o.is_company],
            "territories": territories_visible_to(request.user).order_by("name") if scope.national_admin else None,
        },
    )


@staff_only
def partner_new(request: HttpRequest) -> HttpResponse:
    national = scope_of(request.user).national_admin
    form = PartnerForm(request.POST or None, territories=territories_visible_to(request.user), national=national)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner = _create_partner(request, data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The partner %(name)s is created.") % {"name": partner.name})
            return redirect("accounts:organisation_accounts", pk=partner.pk)
    return render(request, "portals/accounts/partner_new.html", {"form": form}, status=400 if form.errors else 200)


def _create_partner(request: HttpRequest, data: dict[str, Any]) -> Organisation:
    """The partner and, when an address is given, its first referrer, all or nothing."""
    actor = acting_user(request)
    with transaction.atomic():
        partner = add_partner(name=data["name"], kind=data["kind"], territory=data.get("territory"), actor=actor)
        if data.get("referrer_email"):
            try:
                invite_to_role(
                    str(data["referrer_email"]),
                    kind=Role.Kind.REFERRER,
                    organisation=partner,
                    first_name=data.get("referrer_first_name") or "",
                    last_name=data.get("referrer_last_name") or "",
                    actor=actor,
                )
            except ValidationError as error:
                raise ValidationError({"referrer_email": error.messages}) from error
    return partner


def _invitation_message(request: HttpRequest, email: str, *, role: Role | None, already: bool) -> None:
    if role is None:
        messages.success(
            request,
            _(
                "An account already uses %(email)s without a proven address: an invitation is sent, and the "
                "role is given when it is accepted."
            )
            % {"email": email},
        )
    elif already:
        messages.info(request, _("%(email)s already has this role: the invitation is sent again.") % {"email": email})
    else:
        messages.success(request, _("The invitation is sent to %(email)s.") % {"email": email})


def _accounts_page(
    request: HttpRequest, template: str, context: dict[str, Any], roles: QuerySet[Role], form: InviteAccountForm
) -> HttpResponse:
    rows = [(role, invitation_pending(role.user)) for role in roles]
    return render(request, template, {**context, "rows": rows, "form": form}, status=400 if form.errors else 200)


@staff_only
def organisation_accounts(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner's referrers or a company's contacts, with "send the invitation again", and the form
    that invites one more."""
    organisation = get_object_or_404(selectors.account_organisations_for(request.user), pk=pk)
    kind = Role.Kind.COMPANY_CONTACT if organisation.is_company else Role.Kind.REFERRER
    form = InviteAccountForm(request.POST or None)
    if _invited_from(request, form, kind=kind, organisation=organisation):
        return redirect("accounts:organisation_accounts", pk=organisation.pk)
    context = {"organisation": organisation, "kind_label": Role.Kind(kind).label}
    return _accounts_page(
        request,
        "portals/accounts/organisation_accounts.html",
        context,
        selectors.organisation_roles(organisation),
        form,
    )


def _invited_from(request: HttpRequest, form: InviteAccountForm, *, kind: str, **scope: Any) -> bool:
    """Invite the form's person to the role `kind` in `scope`; False (with the form's errors) when not done."""
    if request.method != "POST" or not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        invited = invite_to_role(
            data["email"],
            kind=kind,
            first_name=data["first_name"],
            last_name=data["last_name"],
            actor=acting_user(request),
            **scope,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    _invitation_message(request, invited.user.email, role=invited.role, already=invited.already)
    return True


@national_admins_only
def territory_coordinators(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_object_or_404(Territory, slug=slug)
    form = InviteAccountForm(request.POST or None)
    if _invited_from(request, form, kind=Role.Kind.COORDINATOR, territory=territory):
        return redirect("accounts:territory_coordinators", slug=territory.slug)
    return _accounts_page(
        request,
        "portals/accounts/territory_coordinators.html",
        {"territory": territory},
        selectors.territory_coordinators(territory),
        form,
    )


@staff_only
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(selectors.manageable_roles(request.user), pk=pk)
    if links.is_placeholder(role.user.email):
        raise Http404("This account has no email: hand over its connection link instead.")
    resend_invitation(role, actor=acting_user(request))
    messages.success(request, _("The invitation is sent again to %(email)s.") % {"email": role.user.email})
    if role.organisation_id:
        return redirect("accounts:organisation_accounts", pk=role.organisation_id)
    if role.territory is not None:
        return redirect("accounts:territory_coordinators", slug=role.territory.slug)
    return redirect("people:person", pk=role.person_id)


# --- staff: a mentee's or mentor's account, and the connection link to hand over -------------


@staff_only
def person_account(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's account from their file: create it (POST), see whether the invitation was
    accepted, and for a member without email a one-time connection link to print or copy."""
    person = person_file(people_visible_to(request.user), pk)
    kind = _member_kind(person)
    if request.method == "POST":
        if kind is None:
            raise Http404("Only mentors and mentees get an account from their file.")
        made = ensure_member_account(person, kind=kind, actor=acting_user(request))
        if made.invited:
            messages.success(request, _("The account is created and the invitation sent."))
        elif made.granted:
            messages.success(request, _("The account is created: hand over its connection link."))
        return redirect("accounts:person_account", pk=person.pk)
    account = member_account(person)
    link = None
    if account is not None and (links.is_placeholder(account.email) or invitation_pending(account)):
        link = connection_url(account)
        audit.record(actor=acting_user(request), verb=audit.Verb.INVITED, target=account, via="connection link")
    return render(
        request,
        "portals/accounts/person_account.html",
        {
            "person": person,
            "kind": kind,
            "account": account,
            "role": Role.objects.filter(user=account, person=person).first() if account else None,
            "pending": invitation_pending(account) if account else None,
            "placeholder": links.is_placeholder(account.email) if account else False,
            "link": link,
            "qr": qr_svg(link) if link else None,
            "days": links.CONNECTION_LINK_DAYS,
        },
    )


def _member_kind(person: Person) -> str | None:
    if hasattr(person, "mentee_profile"):
        return Role.Kind.MENTEE
    if hasattr(person, "mentor_profile"):
        return Role.Kind.MENTOR
    return None
