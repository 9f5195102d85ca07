"""Plain-language, translated texts for the engine's criteria and reason codes.

The engine speaks English and stable codes with parameters; coordinators read French.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

CRITERIA_LABELS: dict[str, Promise] = {
    "occupation": _("Occupation"),
    "language": _("Languages"),
    "distance": _("Distance"),
    "availability": _("Availability"),
    "gender_preference": _("Gender preference"),
    "meeting_mode": _("Meeting mode"),
}

MODE_HELP = {
    "coverage_first": _("Match as many people as possible, then find the best total."),
    "quality_first": _("Only propose good matches (score at least 30 %), even if fewer people are matched."),
}

MENTEE_REASONS: dict[str, Promise] = {
    "territory": _("No mentor in this territory."),
    "no_trained_mentor": _("No mentor of the territory has completed the training yet."),
    "no_shared_language": _("No trained mentor shares a working language at %(min_level)s or above."),
    "gender_requirement": _("No trained mentor sharing a language meets the required gender preference."),
    "excluded": _("Every remaining mentor is excluded or forbidden for this person."),
    "only_poor_matches": _("Every possible mentor scores below the minimum score."),
    "all_feasible_mentors_at_capacity": _("All possible mentors are already taken."),
    "outside_top_k": _("Mentors are free, but none among this person's %(top_k)s best: widen the search."),
    "not_selected": _("A mentor is free, but matching them would lower the total: consider pinning."),
}

MENTOR_REASONS: dict[str, Promise] = {
    "untrained": _("Has not completed the mentor training."),
    "no_capacity": _("Has no free place."),
    "territory": _("No mentee in this territory."),
    "no_shared_language": _("No mentee shares a working language at %(min_level)s or above."),
    "gender_requirement": _("No mentee sharing a language meets the required gender preference."),
    "excluded": _("Every remaining mentee is excluded or forbidden for this mentor."),
    "only_poor_matches": _("Every possible mentee scores below the minimum score."),
    "feasible_mentees_matched_elsewhere": _("Every possible mentee is matched with another mentor."),
    "outside_top_k": _("Not among the best choices of any unmatched mentee."),
    "not_selected": _("Possible mentees remain, but matching one would lower the total."),
}

PIN_ERRORS: dict[str, Promise] = {
    "pin_violates_territory": _("They are not in the same territory."),
    "pin_violates_trained": _("The mentor has not completed the training."),
    "pin_violates_language": _("They share no working language at the required level."),
    "pin_violates_gender": _("A required gender preference is not met."),
    "pin_violates_exclusions": _("This pair is excluded or forbidden."),
    "mentor_over_capacity": _("The mentor has no free place left for another pinned pair."),
    "mentee_pinned_twice": _("This person is already pinned to another mentor."),
    "pinned_and_forbidden": _("This pair is both pinned and forbidden."),
}


def reason_text(side: str, code: str, params: Mapping[str, object]) -> str:
    table = MENTEE_REASONS if side == "mentee" else MENTOR_REASONS
    template = table.get(code)
    if template is None:
        return code
    return str(template) % {"min_level": params.get("min_level", "B1"), "top_k": params.get("top_k", "")}


def funnel_text(params: Mapping[str, object]) -> str:
    """'12 mentors in the territory, 9 trained, 4 share a language…': how far the search got."""
    feasible = params.get("feasible")
    if not isinstance(feasible, int):
        return ""
    return ngettext("%(count)s possible match", "%(count)s possible matches", feasible) % {"count": feasible}
