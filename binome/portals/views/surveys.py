"""Survey pages: the respondent's form behind a personal link (no login, phone-first, fr/en/ar,
no JavaScript needed), the signed-in member's way in, and the staff pages of a cohort's waves.

The respondent pages never show anyone else's data: the secret in the URL finds one invitation,
and only that invitation's answers are read or written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.accounts.access import scope_of
from binome.accounts.actors import Actor
from binome.audit import audit
from binome.cohorts.selectors import cohorts_visible_to
from binome.portals.decorators import section, staff_only
from binome.portals.helpers import acting_user, service_errors_as_messages
from binome.surveys import answers as answer_rules
from binome.surveys import editing, selectors, services
from binome.surveys.forms import QuestionForm
from binome.surveys.models import Instrument, Invitation, Question, QuestionKind, Response, localised

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
    request: HttpRequest, invitation: Invitation, *, actor: Actor = None, source: str = Response.Source.SELF
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


def _replaced(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "portals/surveys/replaced.html", status=410))


def respond(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = _invitation_or_404(token)
    except services.LinkReplaced:
        return _replaced(request)
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
            return redirect("surveys:thanks", token=token)
        if sent:
            return redirect("surveys:thanks", token=token)
        if not errors:
            messages.success(request, _("Your answers are saved. You can come back later with the same link."))
            return redirect("surveys:respond", token=token)
    context["fields"] = _fields(invitation, request.POST if errors else None, errors)
    context["errors"] = errors
    return _private(render(request, "portals/surveys/respond.html", context))


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = _invitation_or_404(token)
    except services.LinkReplaced:
        return _replaced(request)
    if not invitation.is_submitted:
        return redirect("surveys:respond", token=token)
    return _private(render(request, "portals/surveys/thanks.html", {"invitation": invitation}))


@members_only
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """A signed-in mentor or mentee opens one of their own surveys: a fresh personal link."""
    scope = scope_of(request.user)
    mine = Invitation.objects.filter(person_id__in=scope.mentor_person_ids | scope.mentee_person_ids)
    invitation = get_object_or_404(mine, pk=pk)
    return redirect("surveys:respond", token=services.issue_link(invitation))


# --- staff ------------------------------------------------------------------------------


@staff_only
def cohort_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohorts_visible_to(request.user).select_related("territory"), pk=pk)
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
        services.resend_link(invitation, actor=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new link is on its way to %(name)s.") % {"name": invitation.person.first_name})
    return redirect("surveys:wave", pk=invitation.wave_id)


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
            sent, errors = _handle_post(
                request, invitation, actor=acting_user(request), source=Response.Source.STAFF_INTERVIEW
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("surveys:enter", pk=pk)
        if sent:
            messages.success(request, _("The answers are recorded."))
            return redirect("surveys:wave", pk=invitation.wave_id)
        if not errors:
            messages.success(request, _("Saved."))
            return redirect(reverse("surveys:enter", kwargs={"pk": pk}))
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


# --- instruments: read by staff, changed by national admins ------------------------------


@staff_only
def instruments(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/surveys/instruments.html", {"instruments": selectors.instruments_overview()})


def _choice_keys_before(questions: list[Question], index: int) -> list[str]:
    """Keys a condition may depend on: the choice questions placed before this one."""
    return [q.key for q in questions[:index] if q.kind in editing.CHOICE_KINDS]


@dataclass(frozen=True)
class _InstrumentPage:
    """An instrument as its page shows it: the version asked for (the current one by default)."""

    instrument: Instrument
    versions: list[Any]
    shown: Any
    questions: list[Question]
    editable: bool  # a national admin looking at the current version

    @property
    def is_current(self) -> bool:
        return self.shown.pk == self.versions[0].pk

    def url(self, key: str | None = None) -> str:
        found = reverse("surveys:instrument", kwargs={"pk": self.instrument.pk})
        return found + f"#question-{key}" if key else found


def _instrument_page(request: HttpRequest, pk: int) -> _InstrumentPage:
    found = get_object_or_404(Instrument, pk=pk)
    versions = list(selectors.instrument_versions(found))
    if not versions:
        raise Http404
    wanted = request.GET.get("version", "")
    shown = next((v for v in versions if str(v.number) == wanted), None) if wanted else versions[0]
    if shown is None:
        raise Http404
    editable = scope_of(request.user).national_admin and shown.pk == versions[0].pk
    return _InstrumentPage(found, versions, shown, list(shown.questions.all()), editable)


@staff_only
def instrument(request: HttpRequest, pk: int) -> HttpResponse:
    """An instrument's questions (any version), and for national admins a form per question of the
    current version plus one to add a question. Plain POSTs: works without JavaScript. Every change
    goes through `revise_instrument`, so answered versions are never rewritten.

    GET shows the page; a POST names its action (move a question up or down, remove it, or save
    the question form it was sent from), and each action is a view of its own below."""
    page = _instrument_page(request, pk)
    if request.method != "POST":
        return _instrument_render(request, page)
    if not page.editable:
        raise Http404
    action, key = request.POST.get("action", ""), request.POST.get("question") or None
    if key is not None and key not in {q.key for q in page.questions}:
        messages.error(request, _("This question is no longer in the current version."))
        return redirect(page.url())
    if action in ("up", "down") and key:
        return _instrument_move(request, page, key, up=action == "up")
    if action == "remove" and key:
        return _instrument_remove(request, page, key)
    return _instrument_save(request, page, key)


def _instrument_move(request: HttpRequest, page: _InstrumentPage, key: str, *, up: bool) -> HttpResponse:
    try:
        services.move_question(page.instrument, key, -1 if up else 1, actor=acting_user(request))
    except services.InvalidQuestions as error:
        service_errors_as_messages(request, error)
        return redirect(page.url())
    return redirect(page.url(key))


def _instrument_remove(request: HttpRequest, page: _InstrumentPage, key: str) -> HttpResponse:
    try:
        services.remove_question(page.instrument, key, actor=acting_user(request), note=request.POST.get("note", ""))
    except services.InvalidQuestions as error:
        service_errors_as_messages(request, error)
        return redirect(page.url())
    messages.success(request, _("The question is removed from the questionnaire."))
    return redirect(page.url())


def _instrument_save(request: HttpRequest, page: _InstrumentPage, key: str | None) -> HttpResponse:
    """Save one question's form (`key`), or the form adding a question (no key)."""
    questions = page.questions
    index = next((i for i, q in enumerate(questions) if q.key == key), len(questions))
    form = QuestionForm(
        request.POST,
        prefix=f"q-{key}" if key else "new",
        earlier_keys=_choice_keys_before(questions, index),
        fixed_key=key,
    )
    if form.is_valid():
        try:
            version = services.save_question(
                page.instrument, form.spec(), actor=acting_user(request), replacing=key, note=form.cleaned_data["note"]
            )
        except services.InvalidQuestions as error:
            mine = key or form.cleaned_data["key"]
            form.add_spec_errors(error.by_question.get(mine, {}))
            for message in error.messages_except(mine):
                form.add_error(None, message)
        else:
            if version.number > page.versions[0].number:
                messages.success(
                    request,
                    _("Saved as version %(n)s: answers already given keep the questions they answered.")
                    % {"n": version.number},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(page.url(key or form.cleaned_data["key"]))
    if key is None:
        return _instrument_render(request, page, new_form=form)
    return _instrument_render(request, page, bound=(key, form))


def _instrument_render(
    request: HttpRequest,
    page: _InstrumentPage,
    *,
    new_form: QuestionForm | None = None,
    bound: tuple[str, QuestionForm] | None = None,
) -> HttpResponse:
    """The page, with the form sent back (and its errors) in place of its fresh copy."""
    questions = page.questions
    if new_form is None:
        new_form = QuestionForm(prefix="new", earlier_keys=_choice_keys_before(questions, len(questions)))
    rows: list[tuple[Question, QuestionForm | None, bool]] = []
    for index, question in enumerate(questions):
        row_form: QuestionForm | None = None
        if page.editable:
            row_form = (
                bound[1]
                if bound is not None and question.key == bound[0]
                else QuestionForm(
                    prefix=f"q-{question.key}",
                    initial=QuestionForm.initial_from(question.signature()),
                    earlier_keys=_choice_keys_before(questions, index),
                    fixed_key=question.key,
                )
            )
        rows.append((question, row_form, question.key in editing.READ_BY_KEY))
    failed = new_form.is_bound or bound is not None
    return render(
        request,
        "portals/surveys/instrument.html",
        {
            "instrument": page.instrument,
            "versions": page.versions,
            "shown": page.shown,
            "is_current": page.is_current,
            "frozen": page.is_current and page.shown.is_frozen,
            "rows": rows,
            "new_form": new_form if page.editable else None,
            "editable": page.editable,
        },
        status=400 if failed else 200,
    )
