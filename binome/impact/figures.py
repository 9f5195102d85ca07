"""The registry of every published figure: one definition per figure, in one place.

Each entry says what one counted case is (the unit), what the numerator and the denominator count,
what is unknown and how the rate treats it, which window applies and where the facts come from.
The definition printed on pages, reports and exports is generated from the same constants the
computation in `binome.impact.kpis` uses (it imports them from here), so the text cannot drift
from the figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from binome.impact.models import JOB_OR_TRAINING_KINDS, OPPORTUNITY_KINDS, Outcome
from binome.meetings.selectors import TRAINING_LEAD_DAYS
from binome.sourcing.models import Referral

__all__ = [
    "ANSWER_WINDOW_DAYS",
    "DAYS_PER_MONTH",
    "JOB_OR_TRAINING_KINDS",
    "NETWORK_CONTACTS",
    "OPPORTUNITY_KINDS",
    "REACHED_ELIGIBLE",
    "REACHED_ENROLLED",
    "REGISTRY",
    "SIX_MONTHS_DAYS",
    "TRAINING_DAY_HOURS",
    "TWELVE_MONTHS_DAYS",
    "FigureSpec",
]

#: An end answer (questionnaire or staff record) counts for a cohort's end (or its +6/+12-month
#: follow-up) when dated at most this many days before or after it. Bounded after as well, so that
#: a later wave (+6 months) or a later cohort's end answer never stands for an earlier end; the end
#: questionnaire is open for 28 days from the end.
ANSWER_WINDOW_DAYS = 31
SIX_MONTHS_DAYS = 183
TWELVE_MONTHS_DAYS = 365
#: Professional contacts that make a "relevant network".
NETWORK_CONTACTS = 3
DAYS_PER_MONTH = 30.4375
#: The mentors' training day, in hours of skills sponsorship.
TRAINING_DAY_HOURS = 7

S = Referral.Status
#: A referral "reached eligible" when it is at one of these statuses now or passed through one:
#: whatever it became later (waitlisted, enrolled, matched, completed, left), it stays counted.
REACHED_ELIGIBLE = frozenset({S.ELIGIBLE, S.WAITLISTED, S.ENROLLED, S.MATCHED, S.COMPLETED})
REACHED_ENROLLED = frozenset({S.ENROLLED, S.MATCHED, S.COMPLETED})

UNITS: dict[str, tuple[Any, Any]] = {
    "participants": (
        _("participants"),
        _(
            "one participant is a mentee in a cohort whose duo held its first confirmed meeting (modified "
            "intent-to-treat: counted from that meeting on, drop-outs included); a person in two cohorts "
            "counts twice"
        ),
    ),
    "duos": (_("duos"), _("one duo is a mentor and a mentee in a cohort")),
    "invitations": (
        _("invitations"),
        _("one invitation is a duo member invited to one of their cohort's workshops"),
    ),
    "mentors": (_("mentors"), _("one mentor in a cohort; a mentor in two cohorts counts twice")),
    "people": (
        _("people"),
        _(
            "one person in a cohort (a person in two cohorts counts twice; a person referred and in no "
            "cohort yet counts once)"
        ),
    ),
    "hours": (_("hours"), _("one hour of skills sponsorship")),
}


def _resolve(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, frozenset | set):
        return _kind_labels(value)
    return value


def _format(text: Any, params: dict[str, Any]) -> str:
    return str(text) % {name: _resolve(value) for name, value in params.items()}


_lazy_format = lazy(_format, str)


def fmt(text: Any, **params: Any) -> Any:
    """A lazily translated text whose placeholders are filled from the computing constants."""
    return _lazy_format(text, params)


def _kind_labels(kinds: Iterable[str]) -> str:
    """The kinds' labels in the reader's language, in the order the model declares them."""
    wanted = set(kinds)
    return ", ".join(str(label) for value, label in Outcome.Kind.choices if value in wanted)


@dataclass(frozen=True)
class FigureSpec:
    key: str
    label: Any
    kind: str  # "proportion", "ratio", "total" or "count" (a funnel step)
    unit: str  # a key of UNITS
    numerator: Any
    denominator: Any
    unknown: Any
    window: Any
    sources: Any

    @property
    def unit_label(self) -> Any:
        return UNITS[self.unit][0]

    @property
    def definition(self) -> Any:
        """The printed definition, generated from the parts above (lazily, in the reader's language)."""
        return fmt(
            _(
                "Counted: %(numerator)s. Out of: %(denominator)s. Unknown: %(unknown)s. Window: %(window)s. "
                "Unit: %(unit)s. Sources: %(sources)s."
            ),
            numerator=self.numerator,
            denominator=self.denominator,
            unknown=self.unknown,
            window=self.window,
            unit=UNITS[self.unit][1],
            sources=self.sources,
        )


ENDED = _("participants of cohorts that have ended")
OUTCOME_SOURCES = _(
    "outcomes recorded by staff and questionnaire answers; an outcome awaiting a decision on a conflict "
    "between the two is not counted until decided"
)
UNKNOWN_AS_NO = _("the rate counts unknown cases as 'no' (a lower bound)")


def _job(key: str, label: Any, days: int, months: int) -> FigureSpec:
    return FigureSpec(
        key,
        label,
        "proportion",
        "participants",
        fmt(
            _(
                "participants who obtained one of: %(kinds)s, dated between the cohort's start and %(months)d "
                "months (%(days)d days) after its end"
            ),
            kinds=JOB_OR_TRAINING_KINDS,
            months=months,
            days=days,
        ),
        fmt(_("participants of cohorts that ended at least %(days)d days ago"), days=days),
        fmt(
            _(
                "no such outcome and no 'no opportunity yet' answer dated within %(window)d days before or after "
                "the follow-up date (%(days)d days after the end; such an answer is a 'no'); %(rule)s"
            ),
            window=ANSWER_WINDOW_DAYS,
            days=days,
            rule=UNKNOWN_AS_NO,
        ),
        fmt(_("from the cohort's start to %(days)d days after its end"), days=days),
        OUTCOME_SOURCES,
    )


_SPECS = [
    FigureSpec(
        "opportunity",
        _("Concrete professional opportunity by the programme's end"),
        "proportion",
        "participants",
        fmt(
            _(
                "participants who started or signed one of: %(kinds)s, dated between the cohort's start and its "
                "end (a survey opportunity without a date is dated on the end date of the questionnaire wave "
                "that asked); a job interview alone does not count"
            ),
            kinds=OPPORTUNITY_KINDS,
        ),
        ENDED,
        fmt(
            _(
                "no such outcome and no 'no opportunity yet' answer dated within %(window)d days before or after "
                "the end (such an answer is a 'no'); %(rule)s"
            ),
            window=ANSWER_WINDOW_DAYS,
            rule=UNKNOWN_AS_NO,
        ),
        _("opportunities from the cohort's start to its end"),
        OUTCOME_SOURCES,
    ),
    FigureSpec(
        "network",
        _("Relevant professional network at the end"),
        "proportion",
        "participants",
        fmt(
            _(
                "participants with at least %(contacts)d professional contacts in France, other than the mentor, "
                "in or close to the target field: %(contacts)d network introductions recorded for the duo from "
                "the cohort's start to its end, or an answer to that cohort's end questionnaire or a staff "
                "record dated within %(window)d days before or after the end reporting %(contacts)d or more; a "
                "later questionnaire wave or another cohort's questionnaire never counts"
            ),
            contacts=NETWORK_CONTACTS,
            window=ANSWER_WINDOW_DAYS,
        ),
        ENDED,
        fmt(
            _(
                "fewer than %(contacts)d introductions and no end answer or staff record within the end window "
                "(an answer reporting fewer than %(contacts)d is a 'no'); %(rule)s"
            ),
            contacts=NETWORK_CONTACTS,
            rule=UNKNOWN_AS_NO,
        ),
        fmt(
            _(
                "the end questionnaire of the cohort; staff records from %(window)d days before to %(window)d "
                "days after the cohort's end; introductions from its start to its end"
            ),
            window=ANSWER_WINDOW_DAYS,
        ),
        _("network introductions recorded by staff, end questionnaire answers and staff records"),
    ),
    _job("job_training_6", _("In a job or training within 6 months of the end"), SIX_MONTHS_DAYS, 6),
    _job("job_training_12", _("In a job or training within 12 months of the end"), TWELVE_MONTHS_DAYS, 12),
    FigureSpec(
        "completion",
        _("Duos completed"),
        "proportion",
        "duos",
        _("duos marked completed"),
        _("duos of cohorts that have ended, started by today, drop-outs included"),
        _("duos still marked active or paused; the rate counts them as 'no' (a lower bound)"),
        _("the cohort's end"),
        _("duo statuses recorded by staff"),
    ),
    FigureSpec(
        "workshops",
        _("Workshop attendance"),
        "proportion",
        "invitations",
        _("invitations whose person was marked present"),
        _("invitations of the duos' members to their cohort's workshops that have taken place (not cancelled)"),
        _("attendance not taken; the rate counts it as absent (a lower bound)"),
        _("workshops started before now"),
        _("workshop attendance lists"),
    ),
    FigureSpec(
        "mentor_skills",
        _("Mentors whose skills rose"),
        "proportion",
        "mentors",
        _(
            "mentors whose average end-survey score of soft and intercultural skills is higher than their "
            "average baseline score"
        ),
        _("mentors of cohorts that have ended"),
        _("either survey missing; the rate counts it as 'no' (a lower bound)"),
        _("the baseline and end surveys"),
        _("mentor questionnaires"),
    ),
    FigureSpec(
        "meetings",
        _("Meetings per duo per month"),
        "ratio",
        "duos",
        _("confirmed meetings held by the duos up to today"),
        fmt(
            _(
                "months the duos ran (%(days)s days a month), from their start to their end, the cohort's end "
                "or today, whichever comes first"
            ),
            days=DAYS_PER_MONTH,
        ),
        _("none: a meeting the other member has not confirmed is not counted"),
        _("from each duo's start to its end"),
        _("meetings confirmed by the other member"),
    ),
    FigureSpec(
        "hours",
        _("Hours delivered"),
        "total",
        "hours",
        fmt(
            _(
                "skills-sponsorship hours of the duos' mentors, read from the hours ledger: meetings confirmed by "
                "the other member (in Binôme or on the phone to a coordinator), workshops of the cohort attended, "
                "and the training day (%(hours)d hours), counted once, in the first cohort it prepares (taken "
                "from %(lead)d days before the cohort's start to its end)"
            ),
            hours=TRAINING_DAY_HOURS,
            lead=TRAINING_LEAD_DAYS,
        ),
        _("none (a total)"),
        _("none: only confirmed meetings and recorded attendance count"),
        _("the cohort's run, up to today"),
        _("confirmed meetings, workshop attendance lists, mentor training records"),
    ),
    # The funnel: nested sets, so each step is at most the one before on every slice.
    FigureSpec(
        "referred",
        _("Referred"),
        "count",
        "people",
        _("people referred (merged duplicates once) and people matched in a cohort"),
        _("none (a count)"),
        _("none"),
        _("the slice's cohorts, or the referral's year for people in no cohort yet"),
        _("referrals and duos"),
    ),
    FigureSpec(
        "eligible",
        _("Eligible"),
        "count",
        "people",
        _(
            "referrals that reached 'eligible' at any point, whatever they became later (waitlisted, enrolled, "
            "matched, completed or left), and people matched in a cohort"
        ),
        _("none (a count)"),
        _("none"),
        _("the slice's cohorts, or the referral's year for people in no cohort yet"),
        _("referral statuses and their history, and duos"),
    ),
    FigureSpec(
        "enrolled",
        _("Enrolled"),
        "count",
        "people",
        _("referrals that reached 'enrolled in a cohort' at any point, and people matched in a cohort"),
        _("none (a count)"),
        _("none"),
        _("the slice's cohorts, or the referral's year for people in no cohort yet"),
        _("referral statuses and their history, and duos"),
    ),
    FigureSpec(
        "matched",
        _("Matched"),
        "count",
        "people",
        _("mentees with a duo in the cohort, whatever its status"),
        _("none (a count)"),
        _("none"),
        _("the slice's cohorts"),
        _("duos"),
    ),
    FigureSpec(
        "first_meeting",
        _("First meeting"),
        "count",
        "people",
        _("matched mentees whose duo held a confirmed first meeting (the participants)"),
        _("none (a count)"),
        _("none"),
        _("the slice's cohorts"),
        _("confirmed meetings"),
    ),
    FigureSpec(
        "completed",
        _("Completed"),
        "count",
        "people",
        _("participants whose duo is marked completed"),
        _("none (a count)"),
        _("none"),
        _("the slice's cohorts"),
        _("duo statuses recorded by staff"),
    ),
]
REGISTRY: dict[str, FigureSpec] = {spec.key: spec for spec in _SPECS}

#: The rules every report prints beside the definitions.
RULES = [
    _(
        "Response rate: the cases whose answer is known (yes or no) over the denominator. An unknown case "
        "stays in the denominator."
    ),
    _(
        "Bounds: the rate with every unknown case counted as 'no' (the rate shown, a lower bound) and with "
        "every unknown case counted as 'yes' (an upper bound)."
    ),
    # xgettext:no-python-format
    _(
        "95 % interval: Wilson's score interval of the rate shown; it covers sampling error only, not "
        "non-response (see the bounds)."
    ),
    _("Outcomes awaiting a decision on a conflict between a staff record and a questionnaire answer are not counted."),
    # The hours ledger's rule (binome.meetings.models.COUNTED), for the first meeting as for hours.
    _(
        "A meeting counts (first meeting, meetings, hours) once the member who did not record it has confirmed "
        "it, in Binôme or on the phone to a coordinator (recorded with both names and a reason)."
    ),
]


def rules() -> list[str]:
    """The rules, in the reader's language."""
    return [str(rule) for rule in RULES]
