"""Print the programme's KPIs, with numerators, denominators, unknowns, intervals and definitions."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from binome.cohorts.models import Cohort
from binome.impact import kpis
from binome.impact.figures import REGISTRY, rules
from binome.territories.models import Territory


class Command(BaseCommand):
    help = "Print the KPIs of a territory, a cohort and/or a year (all of the programme by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--territory", help="territory slug")
        parser.add_argument("--cohort", type=int, help="cohort id")
        parser.add_argument("--year", type=int, help="year the cohorts started")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        territory_id = None
        if options["territory"]:
            territory = Territory.objects.filter(slug=options["territory"]).first()
            if territory is None:
                raise CommandError(f"No territory with the slug {options['territory']!r}.")
            territory_id = territory.pk
        if options["cohort"] and not Cohort.objects.filter(pk=options["cohort"]).exists():
            raise CommandError(f"No cohort with the id {options['cohort']}.")
        slice_ = kpis.Slice(territory_id=territory_id, cohort_id=options["cohort"], year=options["year"])
        today = timezone.localdate()
        figures = kpis.figures(slice_, today=today)
        if options["format"] == "json":
            payload = {
                "computed_on": today.isoformat(),
                "slice": {"territory": options["territory"], "cohort": options["cohort"], "year": options["year"]},
                "figures": [figure.as_dict() for figure in figures],
                "funnel": [{"step": s.key, "people": s.count} for s in kpis.funnel(slice_, today=today)],
                "definitions": {key: str(spec.definition) for key, spec in REGISTRY.items()},
                "rules": rules(),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"KPIs computed on {today.isoformat()}")
        # The key names each row (labels run to 60 characters and more; they head the definitions).
        width = max([len("figure"), *(len(fig.key) for fig in figures)])
        header = (
            f"{'figure':{width}} {'num':>9} {'denom':>9} {'unknown':>8} {'rate':>8} {'95% CI':>15} "
            f"{'response':>9} {'bounds':>15} {'target':>7}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for fig in figures:
            rate = "unknown" if fig.rate is None else (f"{fig.rate:.2f}" if fig.kind == "ratio" else f"{fig.rate:.1%}")
            if fig.kind == "total":
                rate = ""
            interval = "" if fig.interval is None else f"{fig.interval[0]:.1%}–{fig.interval[1]:.1%}"
            target = "" if fig.target is None else f"{fig.target:.0%}"
            response = "" if fig.response_rate is None else f"{fig.response_rate:.1%}"
            bounds = "" if fig.bounds is None else f"{fig.bounds[0]:.1%}–{fig.bounds[1]:.1%}"
            denominator = "" if fig.denominator is None else f"{fig.denominator:g}"
            self.stdout.write(
                f"{fig.key:{width}} {fig.numerator:>9g} {denominator:>9} {fig.unknown:>8} {rate:>8} "
                f"{interval:>15} {response:>9} {bounds:>15} {target:>7}"
            )
        self.stdout.write("")
        self.stdout.write("Definitions:")
        for fig in figures:
            self.stdout.write(f"- {fig.key} ({fig.unit}): {fig.label}. {fig.definition}")
        for key in kpis.FUNNEL_KEYS:
            spec = REGISTRY[key]
            self.stdout.write(f"- {key} ({spec.unit_label}): {spec.label}. {spec.definition}")
        self.stdout.write("")
        self.stdout.write("Rules:")
        for rule in rules():
            self.stdout.write(f"- {rule}")
