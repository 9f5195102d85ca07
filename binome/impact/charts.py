"""Geometry of the server-rendered SVG charts (the markup is in templates/portals/impact/_*.svg)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from binome.impact.kpis import Figure, FunnelStep

WIDTH = 640
LABEL_W = 150
BAR_H = 26
GAP = 8


@dataclass(frozen=True)
class FunnelBar:
    key: str
    label: Any
    count: int | None
    shown: str
    y: int
    width: float
    text_y: int


def funnel_chart(steps: list[FunnelStep], *, suppress: bool = False) -> dict[str, Any]:
    top = max((s.count or 0 for s in steps), default=0) or 1
    usable = WIDTH - LABEL_W - 60
    bars = []
    for i, step in enumerate(steps):
        y = i * (BAR_H + GAP)
        count = step.count
        shown = "—" if count is None else ("<5" if suppress and 0 < count < 5 else str(count))
        width = 0 if count is None else max(1.0, usable * count / top) if count else 0
        if suppress and count is not None and 0 < count < 5:
            width = max(1.0, usable * 4 / top)
        bars.append(FunnelBar(step.key, step.label, count, shown, y, round(width, 1), y + BAR_H - 8))
    return {
        "bars": bars,
        "width": WIDTH,
        "height": len(steps) * (BAR_H + GAP),
        "label_w": LABEL_W,
        "bar_h": BAR_H,
    }


@dataclass(frozen=True)
class SeriesBar:
    label: str
    x: float
    y: float
    height: float
    shown: str
    low_y: float | None
    high_y: float | None
    centre: float


def series_chart(points: list[tuple[str, Figure]], *, height: int = 180) -> dict[str, Any]:
    """Bars of a proportion per cohort (or territory) over 0–100 %, with the Wilson interval and target."""
    plot_h = height - 40
    n = max(len(points), 1)
    slot = (WIDTH - 40) / n
    bar_w = min(48.0, slot * 0.6)
    bars = []
    target = None
    for i, (label, fig) in enumerate(points):
        target = fig.target if fig.target is not None else target
        x = 30 + i * slot + (slot - bar_w) / 2
        rate = fig.rate or 0.0
        h = plot_h * rate
        low = high = None
        if fig.interval is not None:
            low, high = 10 + plot_h * (1 - fig.interval[0]), 10 + plot_h * (1 - fig.interval[1])
        bars.append(
            SeriesBar(
                label=label[:18],
                x=round(x, 1),
                y=round(10 + plot_h - h, 1),
                height=round(h, 1),
                shown="?" if fig.rate is None else f"{round(100 * fig.rate)} %",
                low_y=None if low is None else round(low, 1),
                high_y=None if high is None else round(high, 1),
                centre=round(x + bar_w / 2, 1),
            )
        )
    return {
        "bars": bars,
        "bar_w": round(bar_w, 1),
        "width": WIDTH,
        "height": height,
        "base_y": 10 + plot_h,
        "label_y": 10 + plot_h + 16,
        "target_y": None if target is None else round(10 + plot_h * (1 - target), 1),
        "target": None if target is None else round(100 * target),
    }
