"""A report as an outside audience sees it: the table of counts behind it, one disclosure decision,
and the published cells, from which the page, the PDF and the spreadsheet are all rendered.

`freeze(context, audience)` turns a report context (`reports.build`) into the published cells
(JSON-ready: a hidden cell is stored as null, never its value); `thaw(payload)` turns them back
into a report context. A snapshot's page, PDF and XLSX all come from `thaw` of the same payload,
so they hide exactly the same cells.

Cells of a proportion, per group (territory or cohort) and for the whole report: yes (numerator),
no, unknown and all (denominator); all = yes + no + unknown, and each of them, summed over the
groups, is the whole report's. The funnel's steps are cells too, and where a step holds the next
(matched ⊇ first meeting ⊇ completed; referred ⊇ eligible) the people lost between them are a
cell: 39 matched and 37 who met are 2 who never met.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binome.impact import charts, disclosure, kpis, reports
from binome.impact import figures as figures_registry
from binome.impact.kpis import Figure, FunnelStep

TOTAL = disclosure.TOTAL
PARTS = ("yes", "no", "unknown", "all")
SHOWN_PARTS = {"numerator": "yes", "denominator": "all", "unknown": "unknown"}
CHAINS = [("referred", "eligible"), ("matched", "first_meeting"), ("first_meeting", "completed")]
FUNNEL_LABELS = {
    "referred": gettext_lazy("Referred"),
    "eligible": gettext_lazy("Eligible"),
    "matched": gettext_lazy("Matched"),
    "first_meeting": gettext_lazy("First meeting"),
    "completed": gettext_lazy("Completed"),
    "opportunity": gettext_lazy("Opportunity"),
}


def name(key: Any) -> str:
    """A cell's key as stored in JSON: 'opportunity|Paris|yes', 'funnel|matched'."""
    return "|".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def _parts(fig: Figure) -> dict[str, int]:
    yes, den, unknown = int(fig.numerator), int(fig.denominator or 0), int(fig.unknown)
    return {"yes": yes, "no": den - yes - unknown, "unknown": unknown, "all": den}


def table_of(context: Mapping[str, Any]) -> disclosure.Table:
    """The counts of people a report shows (or lets one derive), with their equations."""
    cells: dict[Any, int] = {}
    sums: list[tuple[Any, tuple[Any, ...]]] = []
    groups = [(label, {f.key: f for f in rows_to_figures(rows)}) for label, rows in context["groups"]]
    for fig in rows_to_figures(context["rows"]):
        if fig.kind != "proportion":
            continue  # meetings per month and hours are not counts of people
        k = fig.key
        members = [(TOTAL, fig)] + [(label, by_key[k]) for label, by_key in groups if k in by_key]
        for label, member in members:
            for part, value in _parts(member).items():
                cells[(k, label, part)] = value
            sums.append(((k, label, "all"), tuple((k, label, p) for p in ("yes", "no", "unknown"))))
        if len(members) > 1:
            for part in PARTS:
                total = (k, TOTAL, part)
                pieces = tuple((k, label, part) for label, _m in members[1:])
                if cells[total] == sum(cells[p] for p in pieces):  # groups that add up to the whole
                    sums.append((total, pieces))
    _funnel_cells(context["funnel"], cells, sums)
    return disclosure.Table(cells=cells, sums=tuple(sums))


def _funnel_cells(steps: list[FunnelStep], cells: dict[Any, int], sums: list[tuple[Any, tuple[Any, ...]]]) -> None:
    counts = {s.key: s.count for s in steps if s.count is not None}
    for key, count in counts.items():
        cells[("funnel", key)] = count
    if counts.get("opportunity") == cells.get(("opportunity", TOTAL, "yes")):
        # The funnel's last step is the opportunity figure's numerator: one cell, seen twice.
        sums.append((("funnel", "opportunity"), (("opportunity", TOTAL, "yes"),)))
    for wider, narrower in CHAINS:
        if wider in counts and narrower in counts and counts[wider] >= counts[narrower]:
            gap = ("funnel_gap", wider, narrower)
            cells[gap] = counts[wider] - counts[narrower]
            sums.append((("funnel", wider), (("funnel", narrower), gap)))


def rows_to_figures(rows: list[reports.Row]) -> list[Figure]:
    return [row.figure for row in rows]


def freeze(context: Mapping[str, Any], *, audience: str) -> dict[str, Any]:
    """The published cells of a report for `audience`: values, with null for what it may not see."""
    table = table_of(context)
    decision = disclosure.decide(table, audience=audience)

    def figure(fig: Figure, label: str) -> dict[str, Any]:
        hidden = _hidden_parts(decision, fig.key, label) if fig.kind == "proportion" else set()
        masked = bool(hidden & {"numerator", "denominator"})
        return {
            "key": fig.key,
            "kind": fig.kind,
            "numerator": None if "numerator" in hidden else fig.numerator,
            "denominator": None if "denominator" in hidden else fig.denominator,
            "unknown": None if "unknown" in hidden else fig.unknown,
            "rate": None if masked else fig.rate,
            "interval": None if masked or fig.interval is None else list(fig.interval),
            "target": fig.target,
            "hidden": sorted(hidden),
        }

    return {
        "kind": context["kind"],
        "today": context["today"].isoformat(),
        "group_kind": context["group_kind"],
        "rows": [figure(f, TOTAL) for f in rows_to_figures(context["rows"])],
        "groups": [[label, [figure(f, label) for f in rows_to_figures(rows)]] for label, rows in context["groups"]],
        "funnel": [
            [s.key, None if s.count is None or not decision.shows(("funnel", s.key)) else s.count, s.count is None]
            for s in context["funnel"]
        ],
        "hidden": sorted(name(k) for k in decision.hidden),
    }


def _hidden_parts(decision: disclosure.Decision, key: str, label: str) -> set[str]:
    return {shown for shown, part in SHOWN_PARTS.items() if not decision.shows((key, label, part))}


def _figure(stored: Mapping[str, Any]) -> tuple[Figure, frozenset[str]]:
    """A Figure back from its published cells (labels and definitions in the reader's language);
    a hidden value becomes 0 and is never printed: `reports.display` masks it."""
    blank = kpis._blank(stored["key"])
    interval = stored["interval"]
    fig = replace(
        blank,
        numerator=stored["numerator"] or 0,
        denominator=stored["denominator"] if stored["denominator"] is not None else blank.denominator,
        unknown=stored["unknown"] or 0,
        rate=stored["rate"],
        interval=None if interval is None else (interval[0], interval[1]),
        target=stored["target"],
    )
    return fig, frozenset(stored["hidden"])


def thaw(payload: Mapping[str, Any], **meta: Any) -> dict[str, Any]:
    """A report context rendered from published cells only; `meta` adds title, subtitle, etc."""
    rows = [reports.display(fig, hidden=hidden) for fig, hidden in map(_figure, payload["rows"])]
    groups = [
        (label, [reports.display(fig, hidden=hidden) for fig, hidden in map(_figure, stored)])
        for label, stored in payload["groups"]
    ]
    funnel = [FunnelStep(key, FUNNEL_LABELS[key], None if na else (count or 0)) for key, count, na in payload["funnel"]]
    masked_steps = {key for key, count, na in payload["funnel"] if count is None and not na}
    return {
        "kind": payload["kind"],
        "today": date.fromisoformat(payload["today"]),
        "suppress": False,
        "rows": rows,
        "funnel": funnel,
        "funnel_chart": _funnel_chart(funnel, masked_steps),
        "group_kind": payload["group_kind"],
        "groups": groups,
        "series": _series(groups),
        "with_people": False,
        "events": None,
        "hidden_note": bool(payload["hidden"]),
        # The definitions and rules printed with the figures: the registry's, rendered when the
        # snapshot is issued (its PDF and XLSX are stored then, so they keep those in force).
        "funnel_specs": [figures_registry.REGISTRY[key] for key in kpis.FUNNEL_KEYS],
        "rules": figures_registry.rules(),
        **meta,
    }


def _funnel_chart(steps: list[FunnelStep], masked: set[str]) -> dict[str, Any]:
    chart = charts.funnel_chart(steps)
    chart["bars"] = [
        replace(bar, shown=_("hidden"), width=0) if step.key in masked else bar
        for step, bar in zip(steps, chart["bars"], strict=True)
    ]
    return chart


def _series(groups: list[tuple[str, list[reports.Row]]]) -> list[dict[str, Any]]:
    """The charts per group, without the bars of groups whose rate is hidden."""
    series = []
    for key in reports.CHART_KEYS:
        points = [
            (label, row.figure)
            for label, rows in groups
            for row in rows
            if row.figure.key == key and not row.hidden & {"numerator", "denominator"}
        ]
        if points:
            series.append({"label": points[0][1].label, "chart": charts.series_chart(points)})
    return series


def protect(context: Mapping[str, Any], *, audience: str, **meta: Any) -> dict[str, Any]:
    """A live report context as `audience` may see it (the company portal's impact page)."""
    base = {k: context[k] for k in ("title", "subtitle", "computed_at")}
    return thaw(freeze(context, audience=audience), **{**base, **meta})


def shown(table: disclosure.Table, *, audience: str) -> dict[Any, str]:
    """Each cell of `table` as `audience` sees it: the count, or the hidden marker."""
    decision = disclosure.decide(table, audience=audience)
    return {k: str(v) if decision.shows(k) else _("hidden") for k, v in table.cells.items()}


def protect_grid(counts: Mapping[tuple[Any, Any], int], *, audience: str) -> dict[Any, str]:
    """A rows × columns table of counts and its totals (keyed with TOTAL) as `audience` sees it."""
    return shown(disclosure.grid(counts), audience=audience)


def company_home_table(
    by_status: Mapping[str, int], by_employee: Mapping[int, int], *, met: int, mentees: int
) -> disclosure.Table:
    """The company portal's duo counts: per status and per employee, both adding up to the duos,
    of which those that have met (and so those that have not)."""
    total = sum(by_status.values())
    cells: dict[Any, int] = {"duos": total, "met": met, "not_met": max(total - met, 0), "mentees": mentees}
    cells.update({("status", k): v for k, v in by_status.items()})
    cells.update({("employee", k): v for k, v in by_employee.items()})
    sums: list[tuple[Any, tuple[Any, ...]]] = [("duos", tuple(("status", k) for k in by_status))]
    if sum(by_employee.values()) == total:
        sums.append(("duos", tuple(("employee", k) for k in by_employee)))
    if met <= total:
        sums.append(("duos", ("met", "not_met")))
    return disclosure.Table(cells=cells, sums=tuple(sums))
