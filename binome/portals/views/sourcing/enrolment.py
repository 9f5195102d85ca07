"""Mentor enrolment: the public invitation link, and the invitation links a company manages.

Company contacts manage their own company's links; staff manage those of their territories'
companies (from the organisation page). Both see who enrolled through a link, as work facts
only (name, job title, enrolment date, training): never a duo or anything about a refugee.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.accounts import access, links
from binome.portals.decorators import section, staff_only
from binome.portals.helpers import (
    acting_user,
    over_rate_limit,
    over_subject_limit,
    service_errors,
    service_errors_as_messages,
)
from binome.privacy.notices import mentor_notice
from binome.reference.selectors import search_occupations, search_places
from binome.sourcing import enrolment
from binome.sourcing.enrolment import LinkState
from binome.sourcing.forms_enrolment import AccountForm, ConfirmEnrolmentForm, InvitationForm, MentorEnrolmentForm
from binome.sourcing.models import MentorInvitation
from binome.sourcing.selectors import mentor_invitations_visible_to

invitation_managers_only = section(lambda s: s.is_staff or bool(s.company_ids))

# Enrolment attempts per hour, counted in the shared cache. Per client address (the real one behind
# the proxy): generous, as a company's 200 employees may enrol together from one office network,
# each perhaps correcting the form once. Per email address: tight, so nobody can try passwords or
# flood one mailbox. Per link: a leaked link cannot fill the database from many addresses.
JOIN_POSTS_PER_ADDRESS_PER_HOUR = 300
JOIN_POSTS_PER_EMAIL_PER_HOUR = 5
JOIN_POSTS_PER_LINK_PER_HOUR = 600
JOIN_POSTS = "join-posts"
JOIN_POSTS_BY_EMAIL = "join-posts-email"
JOIN_POSTS_BY_LINK = "join-posts-link"


def _invalid_link(request: HttpRequest, state: str | None, invitation: MentorInvitation | None = None) -> HttpResponse:
    # 404 for an unknown token, 410 for one that existed: either way a clear page, never a 500.
    status = 404 if state is None else 410
    return render(
        request,
        "portals/sourcing/enrolment/invalid_link.html",
        {"state": state, "invitation": invitation},
        status=status,
    )


def _valid_invitation(token: str) -> tuple[MentorInvitation | None, str | None]:
    invitation = enrolment.invitation_by_token(token)
    if invitation is None:
        return None, None
    state = enrolment.link_state(invitation)
    return invitation, (None if state == LinkState.VALID else str(state))


def _over_join_limit(request: HttpRequest, invitation: MentorInvitation) -> str | None:
    """Count this enrolment attempt per address, link and email; the refusal to show once one is past."""
    if over_rate_limit(request, JOIN_POSTS, per_hour=JOIN_POSTS_PER_ADDRESS_PER_HOUR):
        return _("Too many attempts from your connection. Please try again in an hour.")
    if over_subject_limit(JOIN_POSTS_BY_LINK, invitation.token, per_hour=JOIN_POSTS_PER_LINK_PER_HOUR):
        return _("Too many enrolments through this link in the last hour. Please try again in an hour.")
    signed = acting_user(request)
    email = signed.email if signed is not None else request.POST.get("account-email", "")
    email = email.strip().lower()[:254]
    if email and over_subject_limit(JOIN_POSTS_BY_EMAIL, email, per_hour=JOIN_POSTS_PER_EMAIL_PER_HOUR):
        return _("Too many attempts with this email address. Please try again in an hour.")
    return None


def join(request: HttpRequest, token: str) -> HttpResponse:
    """The employee's enrolment page: a new account (or the signed-in one) and the mentor profile."""
    invitation, problem = _valid_invitation(token)
    if invitation is None or problem is not None:
        return _invalid_link(request, problem if invitation else None, invitation)
    signed_in = request.user.is_authenticated
    existing = enrolment.already_mentor_at(request.user, invitation.company)
    if existing is not None:
        return render(
            request, "portals/sourcing/enrolment/already.html", {"invitation": invitation, "profile": existing}
        )
    picker_urls = {
        "occupation": reverse("sourcing:join_occupations", args=[token]),
        "workplace": reverse("sourcing:join_places", args=[token]),
    }
    data = request.POST if request.method == "POST" else None
    account_form = None if signed_in else AccountForm(data, prefix="account")
    profile_form = MentorEnrolmentForm(data, picker_urls=picker_urls)
    if request.method == "POST":
        refusal = _over_join_limit(request, invitation)
        if refusal:
            messages.error(request, refusal)
            return _join_page(request, invitation, account_form, profile_form, status=429)
        account_ok = account_form is None or account_form.is_valid()
        if profile_form.is_valid() and account_ok:
            try:
                result = enrolment.enrol_mentor(
                    invitation,
                    user_fields=account_form.user_fields() if account_form else {},
                    person_fields=profile_form.person_values(),
                    profile_fields=profile_form.profile_values(),
                    languages=profile_form.cleaned_data["languages"],
                    actor=acting_user(request),
                    privacy_notice=mentor_notice().version,
                )
            except ValidationError as error:
                # One service, two forms: each message goes to the field the person filled in.
                for field, message in service_errors(error):
                    if account_form is not None and field in {"email", "password"}:
                        account_form.add_error("email" if field == "email" else "password1", message)
                    elif field in profile_form.fields:
                        profile_form.add_error(field, message)
                    elif field == "languages":
                        profile_form.add_error("language_1", message)
                    else:
                        profile_form.add_error(None, message)
            else:
                if result is None or result.needs_confirmation:
                    # The same answer whether the address had an account or not (issue #15, F15).
                    return render(request, "portals/sourcing/enrolment/check_email.html", {"invitation": invitation})
                messages.success(request, _("Welcome! You are enrolled as a mentor."))
                return redirect("mentor_portal")
        messages.error(request, _("Please correct the highlighted fields."))
    return _join_page(request, invitation, account_form, profile_form)


def _join_page(
    request: HttpRequest,
    invitation: MentorInvitation,
    account_form: AccountForm | None,
    form: MentorEnrolmentForm,
    status: int = 200,
) -> HttpResponse:
    context = {"invitation": invitation, "account_form": account_form, "form": form, "notice": mentor_notice()}
    return render(request, "portals/sourcing/enrolment/join.html", context, status=status)


def join_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link emailed at enrolment: the employee types the password they chose, which proves
    that whoever reads the mailbox is whoever enrolled; then the account opens."""
    found = links.read_token(token, salt=links.ENROLMENT_CONFIRMATION, max_age_days=links.ENROLMENT_CONFIRMATION_DAYS)
    if found is None or found[0].is_active:
        return render(request, "portals/sourcing/enrolment/confirm.html", {"invalid": True}, status=404)
    user = found[0]
    form = ConfirmEnrolmentForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        enrolment.confirm_enrolment(user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! You are enrolled as a mentor."))
        return redirect("mentor_portal")
    return render(
        request,
        "portals/sourcing/enrolment/confirm.html",
        {"invalid": False, "form": form, "email": user.email},
        status=400 if form.errors else 200,
    )


def _picker_query(request: HttpRequest) -> str:
    # As in binome.reference.views: htmx sends the input under its own name, `field` says which.
    field = request.GET.get("field") or "q"
    return request.GET.get(field, "")[:100]


def join_occupations(request: HttpRequest, token: str) -> HttpResponse:
    """The occupation picker's suggestions, for someone holding a valid link (no account yet)."""
    invitation, problem = _valid_invitation(token)
    if invitation is None or problem is not None:
        return _invalid_link(request, problem if invitation else None, invitation)
    options = [str(o) for o in search_occupations(_picker_query(request))]
    return render(request, "reference/picker_options.html", {"options": options})


def join_places(request: HttpRequest, token: str) -> HttpResponse:
    invitation, problem = _valid_invitation(token)
    if invitation is None or problem is not None:
        return _invalid_link(request, problem if invitation else None, invitation)
    options = [f"{p} #{p.pk}" for p in search_places(_picker_query(request))]
    return render(request, "reference/picker_options.html", {"options": options})


# --- managing the links ---------------------------------------------------------------
def join_url(request: HttpRequest, invitation: MentorInvitation) -> str:
    return request.build_absolute_uri(reverse("sourcing:join", args=[invitation.token]))


@invitation_managers_only
@require_POST
def invitation_create(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = get_object_or_404(enrolment.companies_inviting_for(request.user), pk=company_pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = enrolment.create_invitation(company, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            service_errors_as_messages(request, error)
        else:
            messages.success(request, _("The invitation link is ready: copy it and send it to your employees."))
            return redirect("sourcing:invitation", pk=invitation.pk)
    return render(
        request, "portals/sourcing/enrolment/invitation_form.html", {"company": company, "form": form}, status=400
    )


@invitation_managers_only
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        mentor_invitations_visible_to(request.user).select_related("company", "created_by"), pk=pk
    )
    return render(
        request,
        "portals/sourcing/enrolment/invitation.html",
        {
            "invitation": invitation,
            "state": enrolment.link_state(invitation),
            "url": join_url(request, invitation),
            "enrolled": enrolment.enrolled_through(invitation),
            "is_staff": access.scope_of(request.user).is_staff,
        },
    )


@invitation_managers_only
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(mentor_invitations_visible_to(request.user), pk=pk)
    if enrolment.revoke_invitation(invitation, actor=acting_user(request)):
        messages.success(request, _("The link is revoked: nobody can enrol through it any more."))
    return redirect("sourcing:invitation", pk=invitation.pk)


@staff_only
@require_POST
def invitation_send_to_hr(request: HttpRequest, pk: int) -> HttpResponse:
    """From the company's page: the link emailed to the company's HR contacts (staff of its territory)."""
    invitation = get_object_or_404(mentor_invitations_visible_to(request.user).select_related("company"), pk=pk)
    try:
        sent = enrolment.send_link_to_hr(invitation, actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
    else:
        messages.success(
            request,
            _("The enrolment link “%(period)s” is on its way to %(names)s.")
            % {"period": invitation.label, "names": ", ".join(map(str, sent))},
        )
    return redirect("organisations:organisation", pk=invitation.company_id)
