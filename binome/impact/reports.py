"""Impact reports per cohort, territory, company and for funders: the same figures as HTML, PDF and XLSX.

A company's report is computed on the duos involving its employees only; the funders' report is
national, by territory, and shows every count of 1 to 4 people as "<5".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binome.cohorts.models import Cohort
from binome.events.selectors import EventsSummary, events_summary_for_company, events_summary_for_territory
from binome.impact import charts, kpis
from binome.impact import figures as figures_registry
from binome.impact.export import PERSON_COLUMNS, person_rows
from binome.impact.figures import REGISTRY
from binome.impact.kpis import Figure, Slice
from binome.lib.spreadsheets import DECIMAL_2, PERCENT, Formatted
from binome.organisations.models import Organisation
from binome.territories.models import Territory

SMALL_CELL = 5
# The footnote beside every masked cell (pages, PDF, XLSX of outside audiences' reports).
HIDDEN_NOTE = gettext_lazy(
    "“hidden”: a count of 1 to 4 people, or a count that would let one work out such a count "
    "from the totals, is not published; its rate, interval and bar are not shown either."
)
CHART_KEYS = ["opportunity", "network", "job_training_6", "job_training_12", "completion", "workshops"]


def _count(value: float | None, suppress: bool) -> str:
    if value is None:
        return "—"
    if suppress and 0 < value < SMALL_CELL:
        return "<5"
    return f"{value:g}"


@dataclass(frozen=True)
class Row:
    """One figure as shown: every count of people possibly suppressed, the rate only on ≥ 5 people."""

    figure: Figure
    numerator: str
    denominator: str
    unknown: str
    rate: str
    interval: str
    target: str
    response_rate: str = ""
    bounds: str = ""
    hidden: frozenset[str] = frozenset()  # parts masked by binome.impact.disclosure


def display(fig: Figure, *, suppress: bool = False, hidden: frozenset[str] = frozenset()) -> Row:
    """`hidden`: the parts ("numerator", "denominator", "unknown") an outside audience may not see
    (binome.impact.published); the rate and interval go with the numerator or the denominator."""
    people = fig.kind == "proportion"
    small = suppress and people and (fig.denominator or 0) < SMALL_CELL
    if fig.kind == "total":
        rate = ""
    elif fig.rate is None:
        rate = _("unknown")
    elif small:
        rate = "<5"
    elif fig.kind == "ratio":
        rate = f"{fig.rate:.2f}"
    else:
        rate = f"{round(100 * fig.rate)} %"
    interval = ""
    if fig.interval is not None and not small:
        interval = _percent_range(fig.interval)
    response_rate = bounds = ""
    if fig.response_rate is not None and fig.bounds is not None and not small:
        response_rate = f"{round(100 * fig.response_rate)} %"
        bounds = _percent_range(fig.bounds)
    row = Row(
        figure=fig,
        numerator=_count(fig.numerator, suppress and people),
        denominator="" if fig.denominator is None else _count(fig.denominator, suppress and people),
        unknown=_count(fig.unknown, suppress and people),
        rate=rate,
        interval=interval,
        target="" if fig.target is None else f"{round(100 * fig.target)} %",
        response_rate=response_rate,
        bounds=bounds,
    )
    return _masked(row, hidden) if hidden else row


def _masked(row: Row, hidden: frozenset[str]) -> Row:
    masked: dict[str, Any] = {part: _("hidden") for part in hidden}
    if hidden & {"numerator", "denominator"}:
        masked.update(rate=_("hidden"), interval="")
    # The response rate is (denominator − unknown) / denominator and the bounds are numerator and
    # numerator + unknown over it: either would give a hidden part back.
    masked.update(response_rate="", bounds="")
    return replace(row, hidden=hidden, **masked)


def _percent_range(pair: tuple[float, float]) -> str:
    return f"{round(100 * pair[0])}–{round(100 * pair[1])} %"


def _series(groups: list[tuple[str, list[Figure]]], *, suppress: bool) -> list[dict[str, Any]]:
    series = []
    for key in CHART_KEYS:
        points = []
        for label, figures in groups:
            fig = next(f for f in figures if f.key == key)
            if suppress and (fig.denominator or 0) < SMALL_CELL:
                fig = kpis._blank(key)  # too few people to show a rate
            points.append((label, fig))
        if points:
            series.append({"label": points[0][1].label, "chart": charts.series_chart(points)})
    return series


def _required(target_id: int | None) -> int:
    """Cohort, territory and company reports are about one record."""
    if target_id is None:
        raise ValueError("this report needs a target record")
    return target_id


def build(
    kind: str, *, target_id: int | None = None, territory_ids: frozenset[int] | None = None, today: date | None = None
) -> dict[str, Any]:
    """Everything a report shows. `territory_ids` is the viewer's scope (None: national)."""
    today = today or timezone.localdate()
    suppress = kind == "funder"
    if kind == "cohort":
        cohort = Cohort.objects.select_related("territory").get(pk=_required(target_id))
        slice_ = Slice(cohort_id=cohort.pk, territory_ids=territory_ids)
        title = _("Impact report: cohort %(name)s") % {"name": cohort.name}
        subtitle = f"{cohort.territory.name} · {cohort.starts_on:%d/%m/%Y} – {cohort.ends_on:%d/%m/%Y}"
        group = None
    elif kind == "territory":
        territory = Territory.objects.get(pk=_required(target_id))
        slice_ = Slice(territory_id=territory.pk, territory_ids=territory_ids)
        title = _("Impact report: %(name)s") % {"name": territory.name}
        subtitle, group = "", "cohort"
    elif kind == "company":
        company = Organisation.objects.get(pk=_required(target_id))
        slice_ = Slice(company_id=company.pk, territory_ids=territory_ids)
        title = _("Impact report: duos with %(name)s's employees") % {"name": company.name}
        subtitle, group = _("Only the duos that involve the company's employees are counted."), "cohort"
    else:
        slice_ = Slice(territory_ids=territory_ids)
        title = _("Impact report for funders")
        subtitle, group = _("Anonymous aggregates. Counts between 1 and 4 people are shown as “<5”."), "territory"
    events = None  # in-company events of the last twelve months, for a company's or a territory's report
    if kind == "company":
        events = events_summary_for_company(company, today - timedelta(days=365), today)
    elif kind == "territory":
        events = events_summary_for_territory(territory, today - timedelta(days=365), today)
    views = kpis.compute_views(slice_, today=today)
    figures = views["total"][None]
    funnel = views["funnel"]
    groups: list[tuple[str, list[Figure]]] = []
    if group == "cohort":
        grouped = views["cohort"]
        for cohort in Cohort.objects.filter(pk__in=[k for k in grouped if k]).order_by("starts_on", "pk"):
            groups.append((cohort.name, grouped[cohort.pk]))
    elif group == "territory":
        grouped = views["territory"]
        for territory in Territory.objects.filter(pk__in=[k for k in grouped if k]).order_by("name"):
            groups.append((territory.name, grouped[territory.pk]))
    return {
        "kind": kind,
        "title": title,
        "subtitle": subtitle,
        "computed_at": timezone.localtime(),
        "today": today,
        "suppress": suppress,
        "rows": [display(f, suppress=suppress) for f in figures],
        "funnel": funnel,
        "funnel_chart": charts.funnel_chart(funnel, suppress=suppress),
        "group_kind": group,
        "groups": [(label, [display(f, suppress=suppress) for f in figs]) for label, figs in groups],
        "series": _series(groups, suppress=suppress) if groups else [],
        "slice": slice_,
        "funnel_specs": [REGISTRY[key] for key in kpis.FUNNEL_KEYS],
        "rules": figures_registry.rules(),
        # Person-level rows (pseudonymous ids) only in staff reports of a cohort or a territory.
        "with_people": kind in {"cohort", "territory"},
        "events": events,
    }


def pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("portals/impact/report_pdf.html", context)
    return HTML(string=html).write_pdf()


def xlsx(context: dict[str, Any]) -> bytes:
    from openpyxl.styles import Font

    from binome.lib.spreadsheets import workbook

    bold = Font(bold=True)
    wb = workbook()  # text cells never become formulas
    sheet = wb.active
    sheet.title = _("Figures")[:31]
    sheet.append([context["title"]])
    sheet["A1"].font = bold
    sheet.append([_("Computed on"), context["computed_at"].strftime("%Y-%m-%d %H:%M")])
    sheet.append([])
    # xgettext:no-python-format
    interval = _("95 % interval")
    header = [_("Figure"), *_value_header(interval)]
    sheet.append([*header, _("Unit")])
    for row in context["rows"]:
        sheet.append([str(row.figure.label), *_cells(row), str(row.figure.unit)])
    if context.get("hidden_note"):
        sheet.append([])
        sheet.append([str(HIDDEN_NOTE)])
    funnel = wb.create_sheet(_("Funnel")[:31])
    funnel.append([_("Step"), _("People")])
    for bar in context["funnel_chart"]["bars"]:  # as the chart shows it, masked steps included
        funnel.append([str(bar.label), _cell(bar.shown)])
    if context["groups"]:
        by = wb.create_sheet((_("By territory") if context["group_kind"] == "territory" else _("By cohort"))[:31])
        by.append([_("Group"), *header])
        for label, rows in context["groups"]:
            for row in rows:
                by.append([label, str(row.figure.label), *_cells(row)])
    if context["events"] is not None:
        events = context["events"]
        sheet_events = wb.create_sheet(_("In-company events")[:31])
        sheet_events.append([_("Last twelve months"), _("Count")])
        for label, value in _event_rows(events):
            sheet_events.append([str(label), value])
    definitions = wb.create_sheet(_("Definitions")[:31])
    definitions.append([_("Figure"), _("Definition in force")])
    for row in context["rows"]:
        definitions.append([str(row.figure.label), str(row.figure.definition)])
    for step in context["funnel_specs"]:
        definitions.append([str(step.label), str(step.definition)])
    definitions.append([])
    definitions.append([_("Rules")])
    for rule in context["rules"]:
        definitions.append([rule])
    definitions.append([])
    definitions.append([_("Computed on"), context["computed_at"].strftime("%Y-%m-%d %H:%M")])
    if context["with_people"]:
        people = wb.create_sheet(_("People")[:31])
        people.append(PERSON_COLUMNS)
        for record in person_rows(context["slice"], today=context["today"]):
            people.append([record[c] for c in PERSON_COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _event_rows(events: EventsSummary) -> list[tuple[Any, int]]:
    return [
        (_("Events held or planned"), events.events),
        (_("Events held"), events.past_events),
        (_("Employees registered"), events.employees_registered),
        (_("Employees present"), events.employees_present),
        (_("Mentees registered"), events.mentees_registered),
        (_("Mentees present"), events.mentees_present),
    ]


def _value_header(interval: str) -> list[str]:
    # The page's ranges ("34–100 %") are two numbers each in a spreadsheet, so they can be sorted,
    # charted and checked against the counts; the labels say which end is which.
    return [
        _("Numerator"),
        _("Denominator"),
        _("Unknown"),
        _("Rate"),
        _("%(interval)s, low") % {"interval": interval},
        _("%(interval)s, high") % {"interval": interval},
        _("Response rate"),
        _("Bounds: unknown counted as no"),
        _("Bounds: unknown counted as yes"),
        _("Target"),
    ]


def _cells(row: Row) -> list[Any]:
    fig = row.figure
    return [
        _cell(row.numerator),
        _cell(row.denominator),
        _cell(row.unknown),
        _number(row.rate, fig.rate, DECIMAL_2 if fig.kind == "ratio" else PERCENT),
        *_range_cells(row.interval, fig.interval),
        _number(row.response_rate, fig.response_rate, PERCENT),
        *_range_cells(row.bounds, fig.bounds),
        _number(row.target, fig.target, PERCENT),
    ]


def _range_cells(shown: str, pair: tuple[float, float] | None) -> list[Any]:
    """A range the page shows ("34–100 %") as its two ends, numbers formatted as percentages;
    what the page does not show as a range (hidden, too few cases, nothing) stays as shown."""
    if pair is None or not shown or not any(ch.isdigit() for ch in shown):
        return [shown, shown]
    return [Formatted(pair[0], PERCENT), Formatted(pair[1], PERCENT)]


def _number(shown: str, value: float | None, number_format: str) -> Any:
    """A rate shown on the page ("62 %", "1.50") as the number with its format; what the page does
    not show as a number ("unknown", "<5", "hidden", nothing) stays as the page shows it."""
    if value is None or not shown or not any(ch.isdigit() for ch in shown) or shown.startswith("<"):
        return shown
    return Formatted(value, number_format)


def _cell(shown: str) -> Any:
    """Numbers as numbers in the spreadsheet; '<5' and '—' stay text."""
    try:
        value = float(shown)
    except ValueError:
        return shown
    return int(value) if value.is_integer() else value


def filename(context: dict[str, Any], fmt: str) -> str:
    stamp: datetime = context["computed_at"]
    return f"binome-impact-{context['kind']}-{stamp:%Y%m%d-%H%M}.{fmt}"
