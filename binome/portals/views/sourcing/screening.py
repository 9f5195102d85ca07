"""Screening: the coordinators' board of referrals per stage, bulk moves and one referral's file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from binome.audit import audit
from binome.cohorts.models import Cohort
from binome.cohorts.selectors import cohorts_visible_to
from binome.lib.conflicts import changed_since, version_of, with_version
from binome.lib.forms import record_id
from binome.organisations.models import Organisation
from binome.organisations.selectors import organisations_visible_to
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user, add_service_errors
from binome.sourcing.eligibility import describe, precheck, rules_for
from binome.sourcing.forms import BoardFilterForm, BulkScopeForm, MoveForm, selected_ids
from binome.sourcing.models import Referral
from binome.sourcing.selectors import (
    ReferralFilter,
    ScreeningRows,
    counts_by_status,
    filter_referrals,
    precheck_groups,
    referral_file,
    referrals_for_board,
    referrals_visible_to,
    screening_rows,
)
from binome.sourcing.services import (
    SYSTEM_ONLY,
    BulkMoveError,
    allowed_next,
    decisions_from,
    move_referral,
    move_referrals,
    preview_move,
    skipped_steps,
)
from binome.territories.selectors import territories_visible_to

PAGE_SIZE = 50
MANUAL_STATUSES = [(v, label) for v, label in Referral.Status.choices if v not in SYSTEM_ONLY]
S = Referral.Status
# The board's decision buttons (several referrals) and the referral page's (one person).
DECISION_BUTTONS = [
    (S.ELIGIBLE, _lazy("Declare them eligible")),
    (S.INELIGIBLE, _lazy("Declare them ineligible")),
    (S.WAITLISTED, _lazy("Put them on the waiting list")),
]
DECISION_BUTTON: dict[str, Any] = {
    S.ELIGIBLE: _lazy("Declare eligible"),
    S.INELIGIBLE: _lazy("Declare ineligible"),
    S.WAITLISTED: _lazy("Put on the waiting list"),
}


def _open_cohorts(user: Any) -> Any:
    return cohorts_visible_to(user).exclude(status=Cohort.Status.CLOSED).select_related("territory")


def _board_form(user: Any, params: QueryDict | None) -> BoardFilterForm:
    partners = (
        organisations_visible_to(user)
        .filter(kind__in=[Organisation.Kind.NGO, Organisation.Kind.PUBLIC_INSTITUTION])
        .order_by("name")
    )
    return BoardFilterForm(params or None, territories=territories_visible_to(user), partners=partners)


def _filtered(user: Any, params: QueryDict) -> tuple[BoardFilterForm, QuerySet[Referral], ScreeningRows]:
    """The board's filter read from `params` (the page's query string, or the one a bulk action
    carries back), applied within what `user` may see: (form, every stage, the rows listed)."""
    form = _board_form(user, params)
    visible = referrals_visible_to(user)
    status = verdict = failed_rule = ""
    if form.is_valid():
        data = form.cleaned_data
        partner = data["partner"]
        visible = filter_referrals(
            visible,
            ReferralFilter(
                query=data["q"],
                territory_id=data["territory"],
                partner_id=record_id(partner),
                public_only=partner == "public",
                domain=data["domain"],
                language=data["language"],
                french_level=data["french_level"],
                import_batch=data["import_batch"],
            ),
        )
        status, verdict, failed_rule = data["status"], data["precheck"], data["failed_rule"]
    board = referrals_for_board(visible)
    return form, board, screening_rows(board, status=status, verdict=verdict, failed_rule=failed_rule)


def _board_context(request: HttpRequest) -> dict[str, Any]:
    form, board, listing = _filtered(request.user, request.GET)
    page = Paginator(listing.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    clean = form.cleaned_data if form.is_bound and form.is_valid() else {}
    query_string = request.GET.copy()
    query_string.pop("page", None)
    without_status = query_string.copy()
    without_status.pop("status", None)
    without_precheck = query_string.copy()
    for key in ("precheck", "failed_rule", "status"):
        without_precheck.pop(key, None)
    filtered = any(value for key, value in clean.items() if key != "import_batch")
    return {
        "precheck_groups": precheck_groups(board, listing.checks),  # before "rows": they share the checks
        "without_precheck": without_precheck.urlencode(),
        "failed_rule": clean.get("failed_rule", ""),
        # After filtering, the decision is most often for the whole filter; ticking a box switches
        # to "the ticked referrals" (static/js/select-all.js), and every decision is confirmed first.
        "default_scope": BulkScopeForm.ALL if filtered else BulkScopeForm.SELECTED,
        "form": form,
        "counts": counts_by_status(board),
        "total": board.count(),
        "status": clean.get("status", ""),
        "verdict": clean.get("precheck", ""),
        "page": page,
        "rows": listing.check_page(page.object_list),
        "matching": page.paginator.count,
        "query_string": query_string.urlencode(),
        "without_status": without_status.urlencode(),
        "statuses": MANUAL_STATUSES,
        "decisions": DECISION_BUTTONS,
        "cohorts": _open_cohorts(request.user),
        "rule_sets": _rule_sets(request.user),
        "import_batch": form.cleaned_data["import_batch"] if form.is_valid() else "",
    }


def _rule_sets(user: Any) -> list[tuple[Any, Any, list[tuple[str, str]]]]:
    """Each visible territory with the rules that apply to it (its own, or the national default)."""
    rows = []
    for territory in territories_visible_to(user).select_related("centre"):
        rules = rules_for(territory)
        rows.append((territory, rules, describe(rules) if rules else []))
    return rows


@staff_only
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/sourcing/screening/board.html", _board_context(request))


def _targets(request: HttpRequest, scope: str) -> list[Referral] | str:
    """The referrals a bulk action applies to, or the message saying why there are none."""
    if scope == BulkScopeForm.ALL:
        _form, _board, listing = _filtered(request.user, QueryDict(request.POST.get("back", "")))
        ids = listing.ids()
    else:
        ids = selected_ids(request.POST.getlist("page_ids" if scope == BulkScopeForm.PAGE else "selected"))
    if not ids:
        return _("Select at least one referral.")
    referrals = list(
        referrals_for_board(referrals_visible_to(request.user)).filter(pk__in=ids).order_by("-status_changed_at", "pk")
    )
    if len(referrals) != len(ids):
        # Out of scope or gone: say so without saying which exist elsewhere.
        return _("Some of the selected referrals could not be found. Nothing was moved.")
    return referrals


@staff_only
@require_POST
def bulk_move(request: HttpRequest) -> HttpResponse:
    """Move the chosen referrals together, or take a decision on them: all of them, or none with
    what stood in the way. A decision, or an action on every referral of the filter, is confirmed first."""
    back = redirect(f"{reverse('sourcing:screening_board')}?{request.POST.get('back', '')}")
    scope_form = BulkScopeForm(request.POST)
    form = MoveForm(request.POST, allowed=MANUAL_STATUSES, cohorts=_open_cohorts(request.user))
    if not scope_form.is_valid() or not form.is_valid():
        for errors in [*scope_form.errors.values(), *form.errors.values()]:
            for error in errors:
                messages.error(request, str(error))
        return back
    scope, confirmed = scope_form.cleaned_data["scope"], scope_form.cleaned_data["confirmed"]
    found = _targets(request, scope)
    if isinstance(found, str):
        messages.error(request, found)
        return back
    data = form.cleaned_data
    expected = scope_form.cleaned_data["expected"]
    changed = scope == BulkScopeForm.ALL and expected is not None and expected != len(found)
    if (data["skip"] or scope == BulkScopeForm.ALL) and (not confirmed or changed):
        return _confirm(request, found, data, changed=changed and confirmed)
    _apply(request, found, data)
    return back


def _confirm(request: HttpRequest, referrals: list[Referral], data: dict[str, Any], *, changed: bool) -> HttpResponse:
    """The page that asks once, with the count and what will be recorded, before a decision."""
    preview = preview_move(referrals, data["to_status"], skip=data["skip"], override=data["override"])
    carried = [
        (key, value)
        for key in request.POST
        if key not in {"csrfmiddlewaretoken", "confirmed", "note", "override", "expected"}
        for value in request.POST.getlist(key)
    ]
    return render(
        request,
        "portals/sourcing/screening/confirm.html",
        {
            "preview": preview,
            "to_label": Referral.Status(data["to_status"]).label,
            "carried": carried,
            "note": data["note"],
            "override": data["override"],
            "changed": changed,
            "back": request.POST.get("back", ""),
        },
    )


def _apply(request: HttpRequest, referrals: list[Referral], data: dict[str, Any]) -> None:
    to_status = data["to_status"]
    label = Referral.Status(to_status).label
    already = [r for r in referrals if data["skip"] and r.status == to_status]
    try:
        moved = move_referrals(
            [r for r in referrals if not (data["skip"] and r.status == to_status)],
            to_status,
            actor=acting_user(request),
            note=data["note"],
            override=data["override"],
            cohort=data["cohort"],
            skip=data["skip"],
        )
    except BulkMoveError as error:
        messages.error(
            request,
            ngettext(
                "Nothing was moved: %(count)d referral cannot go to “%(to)s”.",
                "Nothing was moved: %(count)d referrals cannot go to “%(to)s”.",
                len(error.failures),
            )
            % {"count": len(error.failures), "to": label},
        )
        for why, group in error.by_reason():
            messages.error(request, _refusal_line(why, group))
        return
    messages.success(
        request, ngettext("%(count)d referral moved.", "%(count)d referrals moved.", len(moved)) % {"count": len(moved)}
    )
    if already:
        messages.info(
            request,
            ngettext(
                "%(count)d referral was already “%(to)s”: left as it was.",
                "%(count)d referrals were already “%(to)s”: left as they were.",
                len(already),
            )
            % {"count": len(already), "to": label},
        )


NAMES_SHOWN = 5


def _refusal_line(why: str, referrals: list[Referral]) -> str:
    """One line per reason: how many, and the first few names (the rest counted, not listed)."""
    names = ", ".join(r.person.full_name for r in referrals[:NAMES_SHOWN])
    if len(referrals) > NAMES_SHOWN:
        rest = len(referrals) - NAMES_SHOWN
        names += " " + ngettext("and %(count)d other", "and %(count)d others", rest) % {"count": rest}
    return f"{why} ({len(referrals)}) — {names}"


@staff_only
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    found = referral_file(referrals_visible_to(request.user), pk)
    audit.viewed(request, found, what="screening")
    allowed = [(s, Referral.Status(s).label) for s in allowed_next(found)]
    cohorts = _open_cohorts(request.user).filter(territory_id=found.person.territory_id)
    seen = {"status": found.status}
    form: Any = with_version(MoveForm)(
        request.POST or None, allowed=allowed, cohorts=cohorts, initial={"version": version_of(seen)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                # Another coordinator may have moved it since this page was shown: say so, move nothing.
                status_now = Referral.objects.select_for_update().values_list("status", flat=True).get(pk=found.pk)
                if changed_since(data["version"], {"status": status_now}):
                    raise ValidationError(
                        _("Someone else moved this referral to “%(to)s” meanwhile; nothing was changed.")
                        % {"to": Referral.Status(status_now).label}
                    )
                steps = skipped_steps(found.status, data["to_status"]) if data["skip"] else []
                move_referral(
                    found,
                    data["to_status"],
                    actor=acting_user(request),
                    note=data["note"],
                    override=data["override"],
                    cohort=data["cohort"],
                    skip=data["skip"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _moved(data["to_status"], steps or []))
            return redirect("sourcing:screening_referral", pk=found.pk)
    else:
        audit.record(actor=acting_user(request), verb=audit.Verb.VIEWED, target=found)
    check = precheck(found)
    return render(
        request,
        "portals/sourcing/screening/referral.html",
        {
            "referral": found,
            "person": found.person,
            "profile": getattr(found.person, "mentee_profile", None),
            "check": check,
            "rules_described": describe(check.rules) if check.rules else [],
            "form": form,
            "decisions": [(d, DECISION_BUTTON[d]) for d in decisions_from(found)],
            "consents": list(found.person.consents.all()),
        },
    )


def _moved(to_status: str, steps: list[str]) -> str:
    done = _("Moved to “%(to)s”.") % {"to": S(to_status).label}
    if not steps:
        return done
    skipped = ", ".join(str(S(step).label) for step in steps)
    return f"{done} " + _("Recorded as skipped: %(steps)s.") % {"steps": skipped}
