from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from binome.accounts.access import scope_of
from binome.accounts.security import mfa_required, second_factor_passed


def restrict_admin_to_national_admins(site: AdminSite) -> None:
    """Django admin shows every record unscoped: only national admins may enter it, and only in a
    session that has used its second factor."""

    def has_permission(request: HttpRequest) -> bool:
        user: Any = request.user
        if not (user.is_active and user.is_staff and scope_of(user).national_admin):
            return False
        return not mfa_required(user) or second_factor_passed(request, user)

    def login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The admin's own sign-in form checks a password only, and signs in whoever it names, even
        over someone else's session: it is never served. Visitors sign in through allauth (and its
        second factor); a signed-in user without the admin's rights gets a refusal, never a form."""
        next_url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        if not request.user.is_authenticated:
            return redirect_to_login(next_url or reverse("admin:index"), login_url=settings.LOGIN_URL)
        if has_permission(request):
            return redirect(next_url or reverse("admin:index"))
        raise PermissionDenied

    site.has_permission = has_permission  # type: ignore[method-assign]
    site.login = login  # type: ignore[method-assign]
    site.site_header = "Binôme"
    site.site_title = "Binôme admin"
