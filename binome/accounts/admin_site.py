from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest

from binome.accounts.access import scope_of


def restrict_admin_to_national_admins(site: AdminSite) -> None:
    """Django admin shows every record unscoped: only national admins may enter it."""

    def has_permission(request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_staff and scope_of(user).national_admin)

    site.has_permission = has_permission  # type: ignore[method-assign]
    # The admin's own sign-in form checks the password only: sign in through allauth (and its
    # second factor) instead.
    site.login = login_required(site.login)  # type: ignore[method-assign]
    site.site_header = "Binôme"
    site.site_title = "Binôme admin"
