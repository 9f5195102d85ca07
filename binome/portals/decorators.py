"""Section guards. Object pages additionally fetch through `binome.accounts.access` (404)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from binome.accounts.access import Scope, scope_of

View = Callable[..., HttpResponseBase]


def section(allowed: Callable[[Scope], bool]) -> Callable[[View], View]:
    """Anonymous visitors go to the sign-in page. Signed-in users without the role get 404 on a
    record's page (a record outside their scope, whether it exists or not) and 403 on the
    section's other pages (lists, forms to create)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(scope_of(request.user)):
                if args or kwargs:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_only = section(lambda s: s.is_staff)
company_contacts_only = section(lambda s: bool(s.company_ids))
mentors_only = section(lambda s: bool(s.mentor_person_ids))
mentees_only = section(lambda s: bool(s.mentee_person_ids))
referrers_only = section(lambda s: bool(s.partner_ids))
funders_only = section(lambda s: s.funder or s.national_admin)
