"""The page a role invitation's link opens (binome.operations.invitations): accept, or choose a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from binome.accounts import links
from binome.operations.invitations import accept_role_invitation, invitation_grant


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
        role = accept_role_invitation(user, data, new_password=password)
        if form is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome: you are now %(role)s.") % {"role": role})
        return redirect("home")
    return render(
        request,
        "portals/accounts/invitation.html",
        {"invalid": False, "form": form, "invited": user, "role": invitation_grant(data)},
        status=400 if form is not None and form.errors else 200,
    )
