"""Survey pages: the respondent's form behind a personal link (no login, phone-first, fr/en/ar,
no JavaScript needed), the signed-in member's way in, and the staff pages of a cohort's waves.

The respondent pages never show anyone else's data: the secret in the URL finds one invitation,
and only that invitation's answers are read or written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.accounts import access
from binome.accounts.access import scope_of
from binome.portals.decorators import section, staff_only
from binome.privacy import audit
from binome.surveys import answers as answer_rules
from binome.surveys import selectors, services
from binome.surveys.models import Invitation, Question, QuestionKind, Response, localised

members_only = section(lambda s: bool(s.mentor_person_ids or s.mentee_person_ids))


def _private(response: HttpResponse) -> HttpResponse:
    """A page reached by a secret link: never cached, never sent to another site as a referrer."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = (
        "same-origin"  # no-referrer would make browsers send "Origin: null", which CSRF refuses
    )
    return response


def _fields(invitation: Invitation, posted: Any = None, errors: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """What the form template needs for each visible question: its saved (or just posted, when
    invalid) value, its options, its error."""
    errors = errors or {}
    version = services.version_of(invitation)
    saved = services.answers_of(invitation)
    fields = []
    for number, question in enumerate(answer_rules.visible(version.questions.all(), saved), start=1):
        name = answer_rules.field_name(question)
        if posted is not None and question.key in errors:
            raw = posted.getlist(name)
        else:
            value = saved.get(question.key)
            raw = [] if value is None else [str(v) for v in value] if isinstance(value, list) else [str(value)]
        fields.append(
            {
                "q": question,
                "number": number,
                "name": name,
                "value": raw[0] if raw else "",
                "options": [(key, label, key in raw) for key, label in question.choice_options()],
                "points": _points(question, raw),
                "min_text": localised(question.min_label),
                "max_text": localised(question.max_label),
                "error": errors.get(question.key, ""),
            }
        )
    return fields


def _points(question: Question, raw: list[str]) -> list[tuple[str, bool]]:
    if question.kind != QuestionKind.SCALE or question.min_value is None or question.max_value is None:
        return []
    return [(str(n), str(n) in raw) for n in range(question.min_value, question.max_value + 1)]


def _handle_post(
    request: HttpRequest, invitation: Invitation, *, actor: Any = None, source: str = Response.Source.SELF
) -> tuple[bool, dict[str, str]]:
    """Save what was posted, then send it if asked; (sent?, errors)."""
    errors = services.save_answers(invitation, request.POST, actor=actor, source=source)
    if request.POST.get("action") != "submit":
        return False, errors
    if errors:
        return False, errors
    errors = services.submit_response(invitation, actor=actor, source=source)
    return not errors, errors


# --- the respondent, through their personal link ----------------------------------------


def _invitation_or_404(token: str) -> Invitation:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        raise Http404
    return invitation


def respond(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation_or_404(token)
    context: dict[str, Any] = {"invitation": invitation, "title": invitation.wave.instrument.label}
    if invitation.is_submitted:
        return _private(render(request, "portals/surveys/answered.html", context))
    if invitation.is_expired():
        return _private(render(request, "portals/surveys/expired.html", context, status=410))
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            sent, errors = _handle_post(request, invitation)
        except ValidationError:  # sent from another tab meanwhile
            return redirect("survey_thanks", token=token)
        if sent:
            return redirect("survey_thanks", token=token)
        if not errors:
            messages.success(request, _("Your answers are saved. You can come back later with the same link."))
            return redirect("survey_respond", token=token)
    context["fields"] = _fields(invitation, request.POST if errors else None, errors)
    context["errors"] = errors
    return _private(render(request, "portals/surveys/respond.html", context))


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation_or_404(token)
    if not invitation.is_submitted:
        return redirect("survey_respond", token=token)
    return _private(render(request, "portals/surveys/thanks.html", {"invitation": invitation}))


@members_only
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """A signed-in mentor or mentee opens one of their own surveys: a fresh personal link."""
    scope = scope_of(request.user)
    mine = Invitation.objects.filter(person_id__in=scope.mentor_person_ids | scope.mentee_person_ids)
    invitation = get_object_or_404(mine, pk=pk)
    return redirect("survey_respond", token=services.issue_link(invitation))


# --- staff ------------------------------------------------------------------------------


@staff_only
def cohort_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(access.cohorts_visible_to(request.user).select_related("territory"), pk=pk)
    return render(
        request,
        "portals/surveys/cohort.html",
        {"cohort": cohort, "rows": selectors.cohort_waves(cohort), "today": timezone.localdate()},
    )


@staff_only
def wave(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.wave_for(request.user, pk)
    invitations = selectors.wave_invitations(found)
    return render(
        request,
        "portals/surveys/wave.html",
        {
            "wave": found,
            "invitations": invitations,
            "answered": sum(1 for i in invitations if i.is_submitted),
            "now": timezone.now(),
        },
    )


@staff_only
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_for(request.user, pk)
    try:
        services.resend_link(invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new link is on its way to %(name)s.") % {"name": invitation.person.first_name})
    return redirect("staff_survey_wave", pk=invitation.wave_id)


@staff_only
def enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter a person's answers during a phone interview: the same form, recorded as theirs."""
    invitation = selectors.invitation_for(request.user, pk)
    context: dict[str, Any] = {"invitation": invitation, "title": invitation.wave.instrument.label}
    if invitation.is_submitted:
        audit.viewed(request, invitation, what="survey answers")
        context["given"] = _given(invitation)
        return render(request, "portals/surveys/staff_answers.html", context)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            sent, errors = _handle_post(request, invitation, actor=request.user, source=Response.Source.STAFF_INTERVIEW)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("staff_survey_enter", pk=pk)
        if sent:
            messages.success(request, _("The answers are recorded."))
            return redirect("staff_survey_wave", pk=invitation.wave_id)
        if not errors:
            messages.success(request, _("Saved."))
            return redirect(reverse("staff_survey_enter", kwargs={"pk": pk}))
    context["fields"] = _fields(invitation, request.POST if errors else None, errors)
    context["errors"] = errors
    return render(request, "portals/surveys/enter.html", context)


def _given(invitation: Invitation) -> list[tuple[str, str]]:
    response = invitation.response
    values = dict(response.answers.values_list("question_id", "value"))
    return [
        (q.text, answer_rules.display(q, values.get(q.pk)) or "—")
        for q in response.version.questions.all()
        if q.pk in values
    ]
