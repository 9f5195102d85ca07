"""The outcome feed: a submitted response's facts go to the impact app's tables (on the surveys
app's `response_submitted` signal, connected in ImpactConfig.ready, and from the demo seed).

Mentee responses give opportunities (one outcome per type, or "none yet"), a job interview
when one is reported (recorded, not counted), and the number of professional contacts;
mentor baseline and end responses give the skills score (soft and intercultural skills,
mean of the 1–5 scales mapped onto 0–100). Conflicts with what staff recorded are raised by
the impact app, for a decision.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.accounts.actors import Actor
from binome.impact import services as impact
from binome.impact.kpis import SIX_MONTHS_DAYS, TWELVE_MONTHS_DAYS
from binome.impact.models import Source
from binome.surveys.models import Audience, Moment, Response, Wave
from binome.surveys.selectors import outcome_answers

logger = logging.getLogger(__name__)
FOLLOW_UP_DAYS: dict[str, int] = {Moment.FOLLOW6: SIX_MONTHS_DAYS, Moment.FOLLOW12: TWELVE_MONTHS_DAYS}
SKILL_KEYS = ("listening", "feedback", "adaptability", "intercultural_ease", "explain_codes")


def mentor_skills_score(values: dict[str, Any]) -> float | None:
    """Mean of the answered 1–5 skills scales, as 0–100; None when none is answered."""
    scores = [values[k] for k in SKILL_KEYS if isinstance(values.get(k), int | float)]
    if not scores:
        return None
    return round((sum(scores) / len(scores) - 1) / 4 * 100, 1)


def feed_outcomes(response: Response, *, actor: Actor = None) -> int:
    """Record the response's facts through the impact services; returns how many rows. A fact the
    impact app refuses is logged and skipped: the respondent's submission never fails for it."""
    invitation = response.invitation
    person, duo = invitation.person, invitation.duo
    ref = str(response.pk)
    calls: list[tuple[Any, dict[str, Any]]] = []
    if invitation.wave.instrument.audience == Audience.MENTEE:
        facts = outcome_answers(response)
        if facts is None:
            return 0
        answered_on: date = facts["answered_on"]
        common = {"actor": actor, "person": person, "duo": duo, "survey_ref": ref}
        if facts["had_opportunity"] is True:
            when = _past_date(facts["opportunity_date"], answered_on, invitation.wave)
            for kind in facts["opportunity_types"]:
                calls.append((impact.record_outcome, {**common, "kind": kind, "date": when, "source": Source.SURVEY}))
        elif facts["had_opportunity"] is False:
            calls.append(
                (impact.record_outcome, {**common, "kind": "none", "date": answered_on, "source": Source.SURVEY})
            )
            if (facts["job_interviews"] or 0) > 0:
                calls.append(
                    (
                        impact.record_outcome,
                        {**common, "kind": "interview", "date": answered_on, "source": Source.SURVEY},
                    )
                )
        if facts["network_contacts"] is not None:
            calls.append(
                (
                    impact.record_network,
                    {
                        **common,
                        "contacts": int(facts["network_contacts"]),
                        "date": answered_on,
                        "source": Source.SURVEY,
                    },
                )
            )
    elif invitation.wave.instrument.moment in (Moment.BASELINE, Moment.END) and response.submitted_at:
        score = mentor_skills_score(dict(response.answers.values_list("question__key", "value")))
        if score is not None:
            calls.append(
                (
                    impact.record_mentor_skills,
                    {
                        "actor": actor,
                        "person": person,
                        "duo": duo,
                        "moment": invitation.wave.instrument.moment,
                        "score": score,
                        "date": timezone.localdate(response.submitted_at),
                        "survey_ref": ref,
                    },
                )
            )
    recorded = 0
    for record, kwargs in calls:
        try:
            with transaction.atomic():
                record(**kwargs)
            recorded += 1
        except ValidationError as error:
            logger.warning("survey response %s: outcome not recorded: %s", response.pk, error.messages)
    return recorded


def record_survey_outcomes(sender: Any, *, response: Response, actor: Actor = None, **kwargs: Any) -> None:
    """The receiver of `binome.surveys.signals.response_submitted`."""
    feed_outcomes(response, actor=actor)


def _past_date(text: str | None, answered_on: date, wave: Wave) -> date:
    """The opportunity's date when given and not after the answer; else a day within the window of
    the wave that asked. The end questionnaire opens on the cohort's end date, so an undated answer
    to it, given after the end, is dated on the end (dated on the answer day, it would fall outside
    the cohort and the opportunity would count as unknown). A follow-up's undated answer is dated on
    the wave's date, within the 6 (12) months after the end that its figure counts."""
    try:
        given = date.fromisoformat(text) if text else None
    except ValueError:
        given = None
    if given is not None and given <= answered_on:
        return given
    moment, ends_on = wave.instrument.moment, wave.cohort.ends_on
    if moment == Moment.END:
        return min(answered_on, ends_on)
    if moment in FOLLOW_UP_DAYS:
        # add_months can land a day past end + 183 days (31 July + 6 months): keep inside the figure's window.
        return min(answered_on, wave.opens_on, ends_on + timedelta(days=FOLLOW_UP_DAYS[moment]))
    return answered_on
