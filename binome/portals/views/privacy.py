"""Privacy pages: a person's access history, subject-access export and erasure (staff), the
processing register and the breach register (national admins)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from binome.accounts import access
from binome.people.selectors import person_file
from binome.portals.decorators import staff_only
from binome.privacy import audit, selectors

HISTORY_PAGE_SIZE = 100


@staff_only
def person_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Who viewed, exported or changed this person's file, and when (scoped like the file)."""
    person = person_file(access.people_visible_to(request.user), pk)
    audit.viewed(request, person, what="access history")
    page = Paginator(selectors.access_history(person), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portals/privacy/access.html", {"person": person, "page": page})
