"""Background generation of large impact reports, with progress the status page polls."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from binome.impact import published, reports
from binome.impact.models import Report

PREVIEW = gettext_noop(
    "Preview of the funders' report, live: the cells they may not see are hidden as in an issued report."
)


def reports_dir() -> Path:
    media = getattr(settings, "MEDIA_ROOT", None)
    base = (
        Path(media) / "impact-reports"
        if media
        else Path(getattr(settings, "REPORTS_DIR", settings.BASE_DIR / "var" / "reports"))
    )
    base.mkdir(parents=True, exist_ok=True)
    return base


def _progress(report: Report, percent: int, status: str = Report.Status.RUNNING) -> None:
    Report.objects.filter(pk=report.pk).update(progress=percent, status=status)


def run_report(report: Report) -> Report:
    """Compute the figures, render the file, store it; a failure is recorded, never raised twice."""
    _progress(report, 5)
    try:
        territory_ids = None if report.territory_id is None else frozenset({report.territory_id})
        if report.kind in {Report.Kind.COMPANY, Report.Kind.FUNDER}:
            territory_ids = None  # a company's or the funders' figures are not cut by the asker's territory
        context = reports.build(report.kind, target_id=report.target_id, territory_ids=territory_ids)
        if report.kind == Report.Kind.FUNDER:
            # A preview of what funders see, hidden cells included: the file may be forwarded.
            context = published.protect(context, audience="funder", subtitle=_(PREVIEW))
        _progress(report, 60)
        content = reports.pdf(context) if report.format == Report.Format.PDF else reports.xlsx(context)
        _progress(report, 90)
        path = reports_dir() / f"report-{report.pk}-{reports.filename(context, report.format)}"
        path.write_bytes(content)
        Report.objects.filter(pk=report.pk).update(
            file=str(path), status=Report.Status.READY, progress=100, finished_at=timezone.now()
        )
    except Exception as error:  # the status page shows that it failed
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now()
        )
    report.refresh_from_db()
    return report


@task()
def generate_report(report_id: int) -> str:
    report = Report.objects.get(pk=report_id)
    return run_report(report).status
