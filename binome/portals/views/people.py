"""Staff pages of people: the list with its filters, a person's file and a mentee's file edited
(national admins and territory coordinators, scoped by `access`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from binome.audit import audit
from binome.lib.conflicts import changed_since, report_conflict, version_of, with_version
from binome.pairing.selectors import duos_visible_to
from binome.people.forms import MenteeFileForm, PeopleFilterForm
from binome.people.models import MentorProfile, Person
from binome.people.selectors import (
    PeopleFilter,
    filter_people,
    people_for_list,
    people_visible_to,
    person_file,
    person_file_as_shown,
)
from binome.people.services import update_mentee_file
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user, add_service_errors, is_htmx
from binome.reference.labels import ROME_DOMAINS
from binome.reference.models import Language
from binome.sourcing.models import Referral
from binome.territories.selectors import territories_visible_to

PAGE_SIZE = 50


def _filter_form(request: HttpRequest) -> PeopleFilterForm:
    form = PeopleFilterForm(request.GET or None)
    choices: dict[str, list[tuple[Any, Any]]] = {
        "territory": [("", "—")] + [(t.pk, t.name) for t in territories_visible_to(request.user)],
        "status": [("", "—"), *Referral.Status.choices],
        "language": [("", "—")] + [(lang.code, str(lang)) for lang in Language.objects.all()],
        "domain": [("", "—")] + [(k, f"{k} · {v}") for k, v in ROME_DOMAINS.items()],
        "training": [("", "—"), *MentorProfile.Training.choices],
    }
    for name, options in choices.items():
        field = form.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = options
    return form


@staff_only
def people(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    visible = people_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        visible = filter_people(
            visible,
            PeopleFilter(
                query=data["q"],
                kind=data["kind"],
                territory_id=data["territory"],
                referral_status=data["status"],
                french_level=data["french_level"],
                language=data["language"],
                domain=data["domain"],
                training_status=data["training"],
            ),
        )
    page = Paginator(people_for_list(visible), PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    template = "portals/people/people_rows.html" if is_htmx(request) else "portals/people/people.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "rows": _rows(page), "query_string": query_string.urlencode()},
    )


@dataclass(frozen=True)
class PersonRow:
    """One line of the people list, in plain strings: its labels are translated once per page,
    not once per row by the template."""

    url: str
    name: str
    role: str
    territory: str
    occupation: str  # a mentor's ROME code and job title
    targets: list[tuple[str, str]]  # a mentee's target occupations, (code, label)
    status: str  # a mentor's training, or a mentee's referral statuses


def _rows(people: Iterable[Person]) -> list[PersonRow]:
    mentee_label, mentor_label = _("Mentee"), _("Mentor")
    referral_status = {value: str(label) for value, label in Referral.Status.choices}
    training_status = {value: str(label) for value, label in MentorProfile.Training.choices}
    rows = []
    for person in people:
        # A missing profile raises a subclass of AttributeError: getattr's default covers it.
        mentee = getattr(person, "mentee_profile", None)
        mentor = getattr(person, "mentor_profile", None)
        role = mentee_label if mentee else ""
        if mentor:
            role += f"{mentor_label} · {mentor.company.name}"
        rows.append(
            PersonRow(
                url=reverse("people:person", args=[person.pk]),
                name=person.full_name,
                role=role,
                territory=person.territory.name,
                occupation=f"{mentor.occupation_id} {mentor.job_title}" if mentor else "",
                targets=[(o.code, o.label) for o in mentee.target_occupations.all()] if mentee and not mentor else [],
                status=training_status.get(mentor.training_status, mentor.training_status)
                if mentor
                else ", ".join(referral_status.get(r.status, r.status) for r in person.referrals.all()),
            )
        )
    return rows


@staff_only
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = person_file_as_shown(people_visible_to(request.user), pk)
    audit.viewed(request, found, what="file")
    duos = (
        duos_visible_to(request.user)
        .filter(Q(mentor__person=found) | Q(mentee__person=found))
        .select_related("cohort", "mentor__person", "mentee__person")
    )
    return render(request, "portals/people/person.html", {"person": found, "duos": duos})


@staff_only
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = person_file(people_visible_to(request.user), pk)
    if not hasattr(found, "mentee_profile"):
        raise Http404("Only mentees' files are edited here for now.")
    form_class = with_version(MenteeFileForm)
    current = MenteeFileForm.initial_for(found)
    form: Any = form_class(request.POST or None, initial={**current, "version": version_of(current)})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Read the file again under a row lock: a save between the page and now is a conflict.
            locked = person_file(people_visible_to(request.user).select_for_update(of=("self",)), pk)
            current = MenteeFileForm.initial_for(locked)
            conflicting = changed_since(form.cleaned_data["version"], current)
            if conflicting:
                report_conflict(form, conflicting, current)
                return render(request, "portals/people/person_edit.html", {"person": locked, "form": form})
            try:
                changed = update_mentee_file(
                    locked,
                    actor=acting_user(request),
                    person_fields=form.person_values(),
                    profile_fields=form.profile_values(),
                    targets=form.cleaned_data["targets"],
                )
            except ValidationError as error:
                # Rules the service enforces across fields come back as form errors, never a 500.
                add_service_errors(form, error)
                changed = None
        if changed is not None:
            if changed:
                messages.success(request, _("The file was saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("people:person", pk=found.pk)
    return render(request, "portals/people/person_edit.html", {"person": found, "form": form})
