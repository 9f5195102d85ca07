"""The coordinator's matching board. Each action works as a plain form post (no JavaScript)
and, with htmx, re-renders only the board in place.

The board lists its proposals a page at a time; the whole list of people without a duo and the
pair form's lists of the pool open on demand (`?show=mentee|mentor|pair`: with htmx, only that part
of the board; without, the board with that part open). The page, search and decision filter
travel with every post, so a decision taken on page 3 comes back to page 3.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.cohorts.models import Cohort
from binome.lib.forms import record_id, record_ids
from binome.pairing import selectors, services
from binome.pairing.forms import PRESET_LABELS, ConfirmRunForm, MatchSettingsForm, PairForm
from binome.pairing.models import MatchRun, Proposal
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user, add_service_errors, is_htmx

BOARD = "portals/pairing/board.html"
#: What the board's query string may say (`run` picks an earlier run, `show` a part to open).
VIEW_STATE = ("q", "decision", "page")
SHOW = {"mentee", "mentor", "pair"}


@staff_only
def cohorts(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/pairing/cohorts.html", {"cohorts": selectors.cohorts_to_match(request.user)})


def _settings_form(request: HttpRequest, run: MatchRun | None, data: Any = None) -> MatchSettingsForm:
    import matching  # on first use, not at start-up: see binome/pairing/engine.py

    preset = request.GET.get("preset", "")
    if preset in matching.PRESETS:
        initial = MatchSettingsForm.initial_for(
            matching.PRESETS[preset].as_dict(), run.mode if run else "coverage_first"
        )
    elif run is not None:
        initial = MatchSettingsForm.initial_for(run.weights, run.mode)
    else:
        initial = MatchSettingsForm.initial_for(services.default_weights(), MatchRun.Mode.COVERAGE_FIRST)
    return MatchSettingsForm(data, initial=initial)


def _render_board(
    request: HttpRequest,
    cohort: Cohort,
    run: MatchRun | None,
    *,
    settings_form: MatchSettingsForm | None = None,
    status: int = 200,
    cost: Any = None,
    pair_form: PairForm | None = None,
) -> HttpResponse:
    decision = request.GET.get("decision", "")
    decision = decision if decision in Proposal.Decision.values else ""
    query = request.GET.get("q", "")[:100]
    show = request.GET.get("show", "")
    show = show if show in SHOW else ""
    page = request.GET.get("page", 1)
    board = selectors.board(run, decision=decision, query=query, page=page, show=show) if run else None
    editable = run is not None and run.status == MatchRun.Status.PROPOSED
    if board and editable and pair_form is None and (show == "pair" or board.pool_size <= selectors.POOL_SHOWN):
        mentees, mentors = selectors.pool_choices(board.run)
        pair_form = PairForm(mentees=mentees, mentors=mentors)
    runs = list(cohort.match_runs.order_by("-number").values_list("pk", "number", "status"))
    context = {
        "cohort": cohort,
        "run": run,
        "board": board,
        "latest": runs[0][0] if runs else None,
        "runs": runs,
        "settings_form": settings_form or _settings_form(request, run),
        "pair_form": pair_form,
        "presets": PRESET_LABELS,
        "cost": cost,
        "decision": decision,
        "query": query,
        "decisions": Proposal.Decision.choices,
        "editable": editable,
        "query_suffix": f"?{state}" if (state := _state(request)) else "",
    }
    if not is_htmx(request):
        return render(request, BOARD, context, status=status)
    part = {"mentee": "unmatched_mentees", "mentor": "unmatched_mentors", "pair": "pair_tools"}.get(show, "board")
    if request.method != "GET" or status >= 400:
        part = "board"  # a post answers with the whole board: its figures changed
    response = render(request, f"{BOARD}#{part}", context, status=status)
    if status >= 400:  # a refusal replaces the board wherever the post came from, errors on top
        response["HX-Retarget"] = "#board"
        response["HX-Reswap"] = "outerHTML"
    return response


def _state(request: HttpRequest) -> str:
    """The page, search and filter the board was on ("page=3&q=ali"), for its posts to come back to."""
    return urlencode({key: request.GET[key][:100] for key in VIEW_STATE if request.GET.get(key)})


def _back(request: HttpRequest, run: MatchRun) -> HttpResponse:
    """After a post: the board again, on the page it was on (htmx: only the board; otherwise
    redirect, so reloads do not re-post)."""
    if is_htmx(request):
        return _render_board(request, run.cohort, selectors.latest_run(run.cohort))
    state = _state(request)
    url = reverse("pairing:matching_board", kwargs={"pk": run.cohort_id})
    return redirect(f"{url}?{state}" if state else url)


@staff_only
def board(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_for(request.user, pk)
    if request.method == "POST":
        return _run(request, cohort)
    run_number = request.GET.get("run", "")
    run: MatchRun | None
    if (number := record_id(run_number)) is not None:
        run = get_object_or_404(cohort.match_runs, number=number)
    else:
        run = selectors.latest_run(cohort)
    return _render_board(request, cohort, run)


def _run(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    run = selectors.latest_run(cohort)
    form = _settings_form(request, run, data=request.POST)
    if not form.is_valid():
        return _render_board(request, cohort, run, settings_form=form, status=422)
    try:
        if run is not None and run.status == MatchRun.Status.PROPOSED:
            new = services.rerun(
                run, actor=acting_user(request), weights=form.weights(), mode=form.cleaned_data["mode"]
            )
        else:
            new = services.run_matching(
                cohort, actor=acting_user(request), weights=form.weights(), mode=form.cleaned_data["mode"]
            )
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_board(request, cohort, run, settings_form=form, status=422)
    messages.success(
        request,
        _("Run #%(number)s: %(matched)s duos proposed.") % {"number": new.number, "matched": new.proposals.count()},
    )
    return _back(request, new)


@staff_only
@require_POST
def decide(request: HttpRequest, pk: int, proposal: int) -> HttpResponse:
    run = selectors.run_for(request.user, pk)
    found = get_object_or_404(run.proposals, pk=proposal)
    try:
        services.decide(found, request.POST.get("decision", ""), actor=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, run)


@staff_only
@require_POST
def swap(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for(request.user, pk)
    chosen = record_ids(request.POST.getlist("proposal"))
    found = list(run.proposals.filter(pk__in=chosen))
    if len(found) != 2:
        messages.error(request, _("Tick exactly two duos to swap their mentors."))
        return _back(request, run)
    try:
        services.swap_mentors(found[0], found[1], actor=acting_user(request))
        messages.success(request, _("Mentors swapped."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, run)


@staff_only
@require_POST
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    """What forcing a pair would cost (rule=cost), or pin, forbid or clear it for the next run."""
    run = selectors.run_for(request.user, pk)
    mentees, mentors = selectors.pool_choices(run)
    form = PairForm(request.POST, mentees=mentees, mentors=mentors)
    if not form.is_valid():
        form.add_error(None, _("Choose a mentee and a mentor of this run."))
        return _render_board(request, run.cohort, run, pair_form=form, status=422)
    mentee, mentor = form.cleaned_data["mentee"], form.cleaned_data["mentor"]
    rule = request.POST.get("rule", "")
    try:
        if rule == "cost":
            cost = services.cost_of_pair(run, mentee, mentor)
            return _render_board(request, run.cohort, run, pair_form=form, cost=cost)
        services.set_pair_rule(run, mentee, mentor, rule, actor=acting_user(request))
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_board(request, run.cohort, run, pair_form=form, status=422)
    done = {
        "pin": _("Pinned: this pair will be formed by the next run."),
        "forbid": _("Forbidden: the next run will not propose this pair."),
        "clear": _("Rule removed."),
    }
    messages.success(request, done.get(rule, ""))
    return _back(request, run)


@staff_only
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks once: the page says how many duos and emails; its form (with the count it showed)
    creates them. A post without that count (the board's old button, a stale form) only asks."""
    run = selectors.run_for(request.user, pk)
    if run.status != MatchRun.Status.PROPOSED:
        messages.error(
            request,
            _("This run is already confirmed.")
            if run.status == MatchRun.Status.CONFIRMED
            else _("This run was replaced by a later run: confirm the latest one."),
        )
        return _to_board(request, run)
    summary = selectors.confirmation(run)
    asked = request.method == "POST" and "duos" in request.POST
    form = ConfirmRunForm(request.POST if asked else None, expected=summary.duos)
    if asked and form.is_valid():
        try:
            duos = services.confirm_match_run(run, actor=acting_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(count)s duos created. Mentors and mentees are being notified by email.") % {"count": len(duos)},
            )
            return _to_board(request, run)
    return render(
        request,
        "portals/pairing/confirm.html",
        {"run": run, "cohort": run.cohort, "summary": summary, "form": form},
        status=422 if form.errors else 200,
    )


def _to_board(request: HttpRequest, run: MatchRun) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("pairing:matching_board", kwargs={"pk": run.cohort_id})
        return response
    return redirect("pairing:matching_board", pk=run.cohort_id)


@staff_only
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_for(request.user, pk)
    runs = list(cohort.match_runs.order_by("-number"))
    numbers = {run.number: run for run in runs}

    def pick(name: str, default: int) -> MatchRun | None:
        value = request.GET.get(name, "")
        if value:
            number = record_id(value)
            if number is None or number not in numbers:
                raise Http404
            return numbers[number]
        return runs[default] if len(runs) > default else None

    first, second = pick("a", 1), pick("b", 0)
    comparison = selectors.compare(first, second) if first and second else None
    return render(
        request,
        "portals/pairing/compare.html",
        {"cohort": cohort, "runs": runs, "comparison": comparison, "first": first, "second": second},
    )
