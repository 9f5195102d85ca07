"""On the demo data, a figure is the same number wherever it is published.

Every place is read as a reader would (the command's JSON, the pages' HTML through their
data-kpi / data-figure attributes, the PDF's text, the XLSX's cells, the drill-down's lines) and
compared with the others, not with the code that computes them. The funnel is checked to be
nested on every slice, and "eligible" to be one number on every page that shows it.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from datetime import date
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from binome.accounts.models import User
from binome.cohorts.models import Cohort
from binome.impact import kpis
from binome.impact.kpis import Slice
from binome.operations.demo.seed_impact import _completed_cohort
from binome.organisations.models import Organisation
from binome.sourcing.models import Referral
from binome.territories.models import Territory

pytestmark = pytest.mark.django_db

ANCHOR = date(2026, 11, 2)
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
FUNNEL = ["referred", "eligible", "matched", "first_meeting", "completed"]


@pytest.fixture
def demo() -> Any:
    with time_machine.travel("2026-11-02 10:00 +0100", tick=False):
        call_command("seed_demo", anchor=ANCHOR, stdout=StringIO())
        yield


def _client(client: Any, email: str) -> Any:
    client.force_login(User.objects.get(email=email))
    return client


def _percent(value: float) -> str:
    return f"{round(100 * value)} %"


def _range(pair: list[float]) -> str:
    return f"{round(100 * pair[0])}–{round(100 * pair[1])} %"


def _kpi_cells(html: str, key: str) -> dict[str, str]:
    """The cells of one figure's row on an impact page, by data-part, as text."""
    row = re.search(rf'<tr data-kpi="{key}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {key}"
    cells = re.findall(r'data-part="(\w+)">(.*?)</td>', row.group(1), re.S)
    return {part: re.sub(r"<[^>]+>", "", text).strip() for part, text in cells}


def _data_figures(html: str, key: str) -> list[str]:
    """Every number a page shows under data-figure="key" (dd / td cells and funnel bars)."""
    cells = re.findall(rf'data-figure="{key}"[^>]*>([^<]*)<', html)
    bars = re.findall(rf'data-figure="{key}" data-count="([^"]*)"', html)
    return [c.strip() for c in cells if c.strip()] + bars


def _json(**options: Any) -> dict[str, Any]:
    out = StringIO()
    args = [f"--{name}={value}" for name, value in options.items()]
    call_command("kpis", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_opportunity_figure_is_the_same_number_everywhere(demo: None, client: Any) -> None:
    cohort = _completed_cohort()
    assert cohort is not None
    figure = next(f for f in _json(cohort=cohort.pk)["figures"] if f["key"] == "opportunity")
    assert figure["unknown"] > 0  # the demo has non-response: the bounds differ
    expected = {
        "numerator": str(figure["numerator"]),
        "denominator": str(figure["denominator"]),
        "unknown": str(figure["unknown"]),
        "rate": _percent(figure["rate"]),
        "interval": _range(figure["interval"]),
        "response_rate": _percent(figure["response_rate"]),
        "bounds": _range(figure["bounds"]),
    }
    # The response rate and the bounds say what the counts say.
    assert figure["response_rate"] == pytest.approx(1 - figure["unknown"] / figure["denominator"], abs=1e-4)
    assert figure["bounds"] == pytest.approx(
        [
            figure["numerator"] / figure["denominator"],
            (figure["numerator"] + figure["unknown"]) / figure["denominator"],
        ],
        abs=1e-4,
    )
    staff = _client(client, "coord.paris@demo.binome.fr")

    page = staff.get(f"/staff/impact/?cohort={cohort.pk}", **FR).content.decode()
    cells = _kpi_cells(page, "opportunity")
    assert {k: cells[k] for k in expected} == expected

    pdf = staff.get(f"/staff/impact/cohort/{cohort.pk}/report.pdf", **FR)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = re.sub(r"\s+", " ", text)
    label = "Opportunité professionnelle concrète"
    assert label in text
    for value in (expected["rate"], expected["interval"], expected["response_rate"], expected["bounds"]):
        assert value in text
    assert "Taux de réponse" in text
    assert "Règles appliquées" in text

    xlsx = staff.get(f"/staff/impact/cohort/{cohort.pk}/report.xlsx", **FR)
    rows = [list(r) for r in load_workbook(io.BytesIO(xlsx.content))["Chiffres"].iter_rows(values_only=True)]
    header = rows[3]
    row = dict(zip(header, next(r for r in rows if r[0] and str(r[0]).startswith(label)), strict=False))
    assert [row["Numérateur"], row["Dénominateur"], row["Inconnu"]] == [
        figure["numerator"],
        figure["denominator"],
        figure["unknown"],
    ]
    # Rates are numbers shown as percentages by the cell's format, not the text "62 %".
    assert [row["Taux"], row["Taux de réponse"]] == pytest.approx([figure["rate"], figure["response_rate"]], abs=1e-4)
    # Ranges are their two ends, numbers too, the page's range once rounded.
    low, high = row["Intervalle à 95 %, bas"], row["Intervalle à 95 %, haut"]
    assert [low, high] == pytest.approx(figure["interval"], abs=1e-4)
    bounds = [row["Bornes : inconnu compté non"], row["Bornes : inconnu compté oui"]]
    assert bounds == pytest.approx(figure["bounds"], abs=1e-4)
    assert _range(bounds) == expected["bounds"]
    assert _range([low, high]) == expected["interval"]

    # The drill-down lists as many lines as the figure counts.
    drill = staff.get(f"/staff/impact/people/?cohort={cohort.pk}&kpi=opportunity&part=numerator", **FR)
    html = drill.content.decode()
    assert re.search(r'data-count="opportunity-numerator">(\d+)<', html).group(1) == expected["numerator"]
    assert html.count("<tr data-case>") == figure["numerator"]


def test_the_partner_pages_and_dashboards_show_the_registry_counts(demo: None, client: Any) -> None:
    admin = _client(client, "admin@demo.binome.fr")
    partner = Organisation.objects.filter(referrals__isnull=False).distinct().order_by("pk").first()
    assert partner is not None
    impact = admin.get(f"/staff/impact/?partner={partner.pk}", **FR).content.decode()
    numerator = _kpi_cells(impact, "opportunity")["numerator"]
    relation = admin.get(f"/staff/relations/{partner.pk}/", **FR).content.decode()
    assert _data_figures(relation, "with_opportunity") == [numerator]
    for step in ("eligible", "matched", "completed"):
        shown = _data_figures(impact, step)
        assert len(shown) == 1, step
        assert _data_figures(relation, step) == shown, step

    for territory in Territory.objects.filter(people__referrals__isnull=False).distinct():
        page = admin.get(f"/staff/impact/?territory={territory.pk}", **FR).content.decode()
        board = admin.get(f"/staff/territories/{territory.slug}/", **FR).content.decode()
        for step in FUNNEL:
            shown = _data_figures(page, step)
            assert len(shown) == 1, (territory.slug, step)
            assert _data_figures(board, step) == shown, (territory.slug, step)


def test_every_eligible_on_every_page_is_the_same_number(demo: None, client: Any) -> None:
    admin = _client(client, "admin@demo.binome.fr")
    national_impact = _data_figures(admin.get("/staff/impact/", **FR).content.decode(), "eligible")
    assert len(national_impact) == 1
    national = admin.get("/staff/national/", **FR).content.decode()
    funder = _client(client, "funder@demo.binome.fr").get("/funder/", **FR).content.decode()
    per_territory = {}
    admin = _client(client, "admin@demo.binome.fr")
    for territory in Territory.objects.all():
        shown = _data_figures(admin.get(f"/staff/impact/?territory={territory.pk}", **FR).content.decode(), "eligible")
        board = _data_figures(admin.get(f"/staff/territories/{territory.slug}/", **FR).content.decode(), "eligible")
        row = re.search(rf'<tr data-territory="{territory.slug}">(.*?)</tr>', national, re.S)
        assert row is not None
        assert board == shown == _data_figures(row.group(1), "eligible"), territory.slug
        per_territory[territory.slug] = int(shown[0])
        funder_row = re.search(rf'<tr data-territory="{territory.slug}">(.*?)</tr>', funder, re.S)
        assert funder_row is not None
        funder_cell = _data_figures(funder_row.group(1), "eligible")[0]
        # The funder sees the same number, or nothing: a cell the disclosure rule hides (a small
        # count, or one that would let a small count be worked out) shows as hidden.
        assert funder_cell in (shown[0], "masqué"), (territory.slug, funder_cell)
    # Territories add up to the whole programme, on the staff and the funder pages alike.
    assert sum(per_territory.values()) == int(national_impact[0])
    assert _data_figures(funder, "eligible")[-1] == national_impact[0]


def _nested(steps: dict[str, int | None]) -> bool:
    counts = [steps[key] for key in FUNNEL if steps[key] is not None]
    return all(a >= b for a, b in itertools.pairwise(counts))


def test_the_funnel_is_nested_nationally_and_on_every_territory_and_cohort(demo: None) -> None:
    slices = [Slice()]
    slices += [Slice(territory_id=pk) for pk in Territory.objects.values_list("pk", flat=True)]
    slices += [Slice(cohort_id=pk) for pk in Cohort.objects.values_list("pk", flat=True)]
    for slice_ in slices:
        steps = {s.key: s.count for s in kpis.funnel(slice_, today=ANCHOR)}
        assert _nested(steps), (slice_, steps)
        # Checked against the records, not the funnel's own code: every matched mentee reached
        # eligible, so no referral that never did can fill the gap.
        assert steps["first_meeting"] >= kpis.funnel_counts(slice_, today=ANCHOR)["opportunity"]
    national = {s.key: s.count for s in kpis.funnel(Slice(), today=ANCHOR)}
    territories = [
        {s.key: s.count for s in kpis.funnel(Slice(territory_id=pk), today=ANCHOR)}
        for pk in Territory.objects.values_list("pk", flat=True)
    ]
    for key in FUNNEL:
        assert national[key] == sum(t[key] for t in territories), key
    # Eligible counts the referrals that reached it whatever they became (waitlisted ones included).
    reached = Referral.objects.filter(merged_into__isnull=True, status=Referral.Status.WAITLISTED).count()
    assert national["eligible"] >= reached
