"""The automatic eligibility pre-check: each rule of the territory's rule set, met, not met or unknown.

The pre-check advises; the coordinator decides. "Unknown" is not "not met": a missing date of
birth is a question to ask at the interview, not a reason to turn someone away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _

from binome.people.models import MenteeProfile, Person
from binome.reference.models import CefrLevel
from binome.sourcing.models import EligibilityRules, Referral
from binome.territories.models import Territory


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Verdict(StrEnum):
    """The pre-check in one word, for the board's column and filter."""

    PASSES = "passes"  # every rule met
    FAILS = "fails"  # at least one rule not met
    INCOMPLETE = "incomplete"  # none failed, but something is not recorded (or no rules are set)


@dataclass(frozen=True)
class RuleResult:
    rule: str  # a stable key, for tests and CSS
    label: str
    outcome: Outcome
    reason: str

    @property
    def met(self) -> bool:
        return self.outcome == Outcome.MET


@dataclass(frozen=True)
class PreCheck:
    rules: EligibilityRules | None
    results: list[RuleResult]

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.results if r.outcome == Outcome.NOT_MET]

    @property
    def unknown(self) -> list[RuleResult]:
        return [r for r in self.results if r.outcome == Outcome.UNKNOWN]

    @property
    def all_met(self) -> bool:
        return all(r.met for r in self.results)

    @property
    def verdict(self) -> Verdict:
        if self.rules is None:
            return Verdict.INCOMPLETE
        if self.failed:
            return Verdict.FAILS
        return Verdict.INCOMPLETE if self.unknown else Verdict.PASSES

    @property
    def reasons(self) -> list[RuleResult]:
        """What stands in the way, in words: the rules not met, else the ones not known yet."""
        return self.failed or self.unknown

    def outcome_of(self, rule: str) -> Outcome:
        return next(r.outcome for r in self.results if r.rule == rule)


def rules_for(territory: Territory | None) -> EligibilityRules | None:
    """The territory's own rule set, else the national default (None if neither exists)."""
    if territory is not None:
        own = EligibilityRules.objects.filter(territory=territory).prefetch_related("places").first()
        if own is not None:
            return own
    return EligibilityRules.objects.filter(territory=None).prefetch_related("places").first()


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _result(rule: str, label: str, outcome: Outcome, reason: str) -> RuleResult:
    return RuleResult(rule, label, outcome, reason)


def _protection(rules: EligibilityRules, profile: MenteeProfile | None) -> RuleResult | None:
    allowed = [s for s in rules.protection_statuses if s in MenteeProfile.ProtectionStatus.values]
    if not allowed:
        return None  # any status is accepted: nothing to check
    label = _("Protection status")
    if profile is None or not profile.protection_status:
        return _result("protection_status", label, Outcome.UNKNOWN, _("The protection status is not recorded."))
    names = ", ".join(str(MenteeProfile.ProtectionStatus(s).label) for s in allowed)
    current = MenteeProfile.ProtectionStatus(profile.protection_status).label
    if profile.protection_status in allowed:
        return _result("protection_status", label, Outcome.MET, _("%(status)s is accepted.") % {"status": current})
    return _result(
        "protection_status",
        label,
        Outcome.NOT_MET,
        _("%(status)s is not among the accepted statuses (%(allowed)s).") % {"status": current, "allowed": names},
    )


def _right_to_work(rules: EligibilityRules, profile: MenteeProfile | None) -> RuleResult | None:
    if not rules.require_right_to_work:
        return None
    label = _("Right to work")
    if profile is None:
        return _result("right_to_work", label, Outcome.UNKNOWN, _("The right to work is not recorded."))
    if profile.right_to_work:
        return _result("right_to_work", label, Outcome.MET, _("Has the right to work in France."))
    return _result("right_to_work", label, Outcome.NOT_MET, _("Does not have the right to work in France yet."))


def _age(rules: EligibilityRules, person: Person, today: date) -> RuleResult | None:
    if rules.min_age is None and rules.max_age is None:
        return None
    label = _("Age")
    if person.date_of_birth is None:
        return _result("age", label, Outcome.UNKNOWN, _("The date of birth is not recorded."))
    age = age_on(person.date_of_birth, today)
    if rules.min_age is not None and age < rules.min_age:
        return _result(
            "age",
            label,
            Outcome.NOT_MET,
            _("%(age)d years old, under the minimum of %(min)d.") % {"age": age, "min": rules.min_age},
        )
    if rules.max_age is not None and age > rules.max_age:
        return _result(
            "age",
            label,
            Outcome.NOT_MET,
            _("%(age)d years old, over the maximum of %(max)d.") % {"age": age, "max": rules.max_age},
        )
    return _result("age", label, Outcome.MET, _("%(age)d years old.") % {"age": age})


def _french(rules: EligibilityRules, profile: MenteeProfile | None) -> RuleResult | None:
    if not rules.min_french_level:
        return None
    label = _("French level")
    if profile is None or not profile.french_level:
        return _result("french_level", label, Outcome.UNKNOWN, _("The French level is not recorded."))
    values = {"level": profile.get_french_level_display(), "min": CefrLevel(rules.min_french_level).label}
    if CefrLevel.rank(profile.french_level) >= CefrLevel.rank(rules.min_french_level):
        return _result("french_level", label, Outcome.MET, _("%(level)s, at least %(min)s.") % values)
    return _result("french_level", label, Outcome.NOT_MET, _("%(level)s, below the minimum of %(min)s.") % values)


def _residence(rules: EligibilityRules, person: Person, profile: MenteeProfile | None) -> RuleResult:
    label = _("Lives in the territory")
    territory = person.territory
    home = profile.home if profile is not None else None
    if home is None:
        return _result("residence", label, Outcome.UNKNOWN, _("The home town is not recorded."))
    if any(place.pk == home.pk for place in rules.places.all()):
        return _result(
            "residence", label, Outcome.MET, _("%(place)s is one of the listed places.") % {"place": home.name}
        )
    limit = rules.max_distance_km or territory.radius_km
    km = home.km_to(territory.centre)
    values = {"place": home.name, "km": round(km), "limit": limit, "centre": territory.centre.name}
    if km <= limit:
        return _result(
            "residence",
            label,
            Outcome.MET,
            _("%(place)s is %(km)d km from %(centre)s (at most %(limit)d km).") % values,
        )
    return _result(
        "residence",
        label,
        Outcome.NOT_MET,
        _("%(place)s is %(km)d km from %(centre)s, beyond %(limit)d km.") % values,
    )


def _six_months(rules: EligibilityRules, profile: MenteeProfile | None) -> RuleResult | None:
    if not rules.require_six_month_availability:
        return None
    label = _("Available for six months")
    value = profile.available_six_months if profile is not None else None
    if value is None:
        return _result("six_months", label, Outcome.UNKNOWN, _("Not yet asked about the six months."))
    if value:
        return _result("six_months", label, Outcome.MET, _("Available for the six months of the programme."))
    return _result("six_months", label, Outcome.NOT_MET, _("Not available for the six months of the programme."))


def _project(rules: EligibilityRules, profile: MenteeProfile | None) -> RuleResult | None:
    if not rules.require_target_occupation:
        return None
    label = _("Professional project")
    if profile is None:
        return _result("project", label, Outcome.UNKNOWN, _("No profile yet."))
    targets = list(profile.target_occupations.all())
    if targets:
        return _result(
            "project",
            label,
            Outcome.MET,
            _("Target occupation: %(occupations)s.") % {"occupations": ", ".join(o.label for o in targets)},
        )
    return _result("project", label, Outcome.NOT_MET, _("No target occupation chosen."))


def precheck_person(person: Person, *, rules: EligibilityRules | None = None, today: date | None = None) -> PreCheck:
    """Each rule of the person's territory (or the national default) as met, not met or unknown."""
    rules = rules if rules is not None else rules_for(person.territory)
    if rules is None:
        return PreCheck(None, [])
    today = today or timezone.localdate()
    profile = getattr(person, "mentee_profile", None)
    results = [
        _protection(rules, profile),
        _right_to_work(rules, profile),
        _age(rules, person, today),
        _french(rules, profile),
        _residence(rules, person, profile),
        _six_months(rules, profile),
        _project(rules, profile),
    ]
    return PreCheck(rules, [r for r in results if r is not None])


def precheck(referral: Referral, *, today: date | None = None) -> PreCheck:
    return precheck_person(referral.person, today=today)


def prechecks(referrals: Iterable[Referral], *, today: date | None = None) -> dict[int, PreCheck]:
    """`precheck` for many referrals, each territory's rules read once: {referral id: pre-check}.

    Give referrals with their person's territory (and its centre), mentee profile (and its home)
    and target occupations already fetched (selectors.referrals_for_board does)."""
    rules: dict[int, EligibilityRules | None] = {}
    checks = {}
    for referral in referrals:
        person = referral.person
        if person.territory_id not in rules:
            rules[person.territory_id] = rules_for(person.territory)
        found = rules[person.territory_id]
        checks[referral.pk] = precheck_person(person, rules=found, today=today) if found else PreCheck(None, [])
    return checks


def describe(rules: EligibilityRules) -> list[tuple[str, str]]:
    """The rule set in plain words, for the read-only display on the screening pages."""
    statuses = [s for s in rules.protection_statuses if s in MenteeProfile.ProtectionStatus.values]
    if rules.min_age is not None and rules.max_age is not None:
        age = _("from %(min)d to %(max)d") % {"min": rules.min_age, "max": rules.max_age}
    elif rules.min_age is not None:
        age = _("%(min)d or older") % {"min": rules.min_age}
    elif rules.max_age is not None:
        age = _("%(max)d or younger") % {"max": rules.max_age}
    else:
        age = _("any")
    places = ", ".join(p.name for p in rules.places.all())
    distance = (
        _("within %(km)d km of the centre") % {"km": rules.max_distance_km}
        if rules.max_distance_km
        else _("within the territory's radius")
    )
    return [
        (
            _("Protection status"),
            ", ".join(str(MenteeProfile.ProtectionStatus(s).label) for s in statuses) or _("any"),
        ),
        (_("Right to work"), _("required") if rules.require_right_to_work else _("not required")),
        (_("Age"), age),
        (
            _("French level"),
            _("at least %(level)s") % {"level": CefrLevel(rules.min_french_level).label}
            if rules.min_french_level
            else _("any"),
        ),
        (_("Lives in the territory"), f"{distance}, {_('or in')} {places}" if places else distance),
        (
            _("Available for six months"),
            _("required") if rules.require_six_month_availability else _("not required"),
        ),
        (_("Professional project"), _("required") if rules.require_target_occupation else _("not required")),
    ]
