"""Staff pages for possible duplicates in the viewer's territories, and merging two files."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from binome.people.models import Person
from binome.people.selectors import people_visible_to
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user
from binome.privacy.merge import merge_people, merge_refusal
from binome.sourcing.duplicates import duplicate_pairs


def _labels() -> dict[str, str]:
    return {
        "name_dob": _("same name and date of birth"),
        "phone": _("same phone"),
        "email": _("same email"),
        "flagged": _("flagged by an import in another territory"),
    }


@staff_only
def duplicates(request: HttpRequest) -> HttpResponse:
    pairs = duplicate_pairs(people_visible_to(request.user).filter(territory__isnull=False))
    labels = _labels()
    listed = [(pair, [labels[reason] for reason in pair.reasons]) for pair in pairs]
    return render(request, "portals/sourcing/duplicates/list.html", {"pairs": listed})


def _person(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(
        people_visible_to(request.user)
        .select_related("territory", "mentee_profile", "mentor_profile")
        .prefetch_related("referrals__partner", "languages__language", "consents"),
        pk=pk,
    )


@staff_only
def merge(request: HttpRequest, first: int, second: int) -> HttpResponse:
    if first == second:
        raise Http404
    people = {first: _person(request, first), second: _person(request, second)}
    refusal = merge_refusal(people[first], people[second])
    if request.method == "POST" and refusal is None:
        try:
            keep_pk = int(request.POST.get("keep", ""))
        except ValueError:
            keep_pk = 0
        if keep_pk not in people:
            messages.error(request, _("Choose the file to keep."))
        else:
            other_pk = second if keep_pk == first else first
            try:
                kept = merge_people(people[keep_pk], people[other_pk], actor=acting_user(request))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("File #%(other)d was merged into this one; its history and referrers are kept here.")
                    % {"other": other_pk},
                )
                return redirect("people:person", pk=kept.pk)
    return render(
        request,
        "portals/sourcing/duplicates/merge.html",
        {"first": people[first], "second": people[second], "refusal": refusal},
    )
