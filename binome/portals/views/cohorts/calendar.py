"""A person's private calendar feed (a secret URL calendar apps subscribe to, no sign-in),
its management page, and the teaching material of the person's cohorts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from binome.accounts.access import scope_of
from binome.accounts.models import User
from binome.cohorts import ics, services
from binome.cohorts.models import CalendarFeed, Language, Resource, Workshop
from binome.pairing import workshops
from binome.portals.decorators import section
from binome.portals.helpers import account_of, acting_user

signed_in = section(lambda s: True)
members_only = section(lambda s: bool(s.mentor_person_ids or s.mentee_person_ids))


@never_cache
def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404
    body = ics.feed_ics(workshops.feed_entries(found.user), name="Binôme")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="binome.ics"'
    # The URL is the secret: keep it out of referrers and shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
def feed_manage(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            had_one = CalendarFeed.objects.filter(user=cast(User, request.user)).exists()
            services.regenerate_calendar_feed(actor=account_of(request))
            if had_one:
                messages.success(request, _("Your calendar link is new: the previous one no longer works."))
            else:
                messages.success(request, _("Your calendar link is ready."))
        elif action == "revoke":
            services.revoke_calendar_feed(actor=acting_user(request))
            messages.success(request, _("Your calendar link is switched off."))
        else:
            messages.error(request, _("Choose an action."))
        return redirect("cohorts:calendar_feed_manage")
    found = CalendarFeed.objects.filter(user=cast(User, request.user)).first()
    url = request.build_absolute_uri(reverse("cohorts:calendar_feed", kwargs={"token": found.token})) if found else None
    scope = scope_of(request.user)
    mentee_only = bool(scope.mentee_person_ids) and not (scope.is_staff or scope.mentor_person_ids)
    return render(
        request,
        "portals/cohorts/feed_manage.html",
        {
            "feed": found,
            "url": url,
            "webcal_url": url.replace("https://", "webcal://").replace("http://", "webcal://") if url else None,
            "base_template": "base_mentee.html" if mentee_only else "base.html",
            **_upcoming_and_past(request.user),
        },
    )


def _upcoming_and_past(user: object) -> dict[str, list[Any]]:
    """The workshops still to come (not yet ended), soonest first, each with its "add to my
    calendar" links, and the last few already past."""
    now = timezone.now()
    mine = workshops.workshops_for_user(user).select_related("cohort")
    upcoming = [(w, ics.google_calendar_url(w), ics.outlook_calendar_url(w)) for w in mine.filter(ends_at__gt=now)[:20]]
    past: list[Workshop] = list(mine.filter(ends_at__lte=now).order_by("-starts_at", "-pk")[:5])
    return {"upcoming": upcoming, "past": past}


@signed_in
def workshop_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the viewer's workshops as a file to add to a calendar (404 if not theirs)."""
    workshop = get_object_or_404(workshops.workshops_for_user(request.user), pk=pk)
    response = HttpResponse(ics.event_ics(workshop), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="binome-{workshop.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@members_only
def resources(request: HttpRequest) -> HttpResponse:
    """In the page's language by default; `?lang=` shows another of fr/en/ar (a plain GET form)."""
    languages = [code for code, _label in Language.choices]
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    chosen = request.GET.get("lang") or current
    if chosen not in languages:
        chosen = current if current in languages else "fr"
    scope = scope_of(request.user)
    mentee_only = bool(scope.mentee_person_ids) and not scope.mentor_person_ids
    found = list(workshops.resources_for_user(request.user, chosen))
    groups: dict[int, tuple[object, list[object]]] = {}
    for resource in found:
        groups.setdefault(resource.item_id, (resource.item, []))[1].append(resource)
    return render(
        request,
        "portals/cohorts/resources.html",
        {
            "groups": list(groups.values()),
            "chosen": chosen,
            "languages": Language.choices,
            "base_template": "base_mentee.html" if mentee_only else "base.html",
        },
    )


@signed_in
def resource_file(request: HttpRequest, pk: int) -> FileResponse:
    """An uploaded document, for the mentors and mentees whose cohorts use it (404 otherwise)."""
    scope = scope_of(request.user)
    if scope.is_staff:
        found = get_object_or_404(Resource.objects.exclude(file=""), pk=pk)
    else:
        found = get_object_or_404(
            Resource.objects.filter(pk__in=workshops.resources_for_user(request.user, None).values("pk")).exclude(
                file=""
            ),
            pk=pk,
        )
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=Path(found.file.name or "document").name)
