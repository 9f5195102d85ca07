"""Frozen reports for outside audiences: issued once per closed period, numbered, stored with the
bytes of their PDF and XLSX, so that every download of a period is the same file."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.audit import audit
from binome.impact import periods, published, reports
from binome.impact.models import PublishedReport
from binome.organisations.models import Organisation


def period_of(report: PublishedReport) -> periods.Period:
    return periods.of(report.period_kind, report.period_start)


def meta(report: PublishedReport) -> dict[str, Any]:
    """Title and subtitle of a snapshot, in the reader's language."""
    if report.company is None:
        title = _("Impact report for funders")
    else:
        title = _("Impact report: duos with %(name)s's employees") % {"name": report.company.name}
    subtitle = _("Report no. %(number)s · %(period)s · figures as known at the end of the period.") % {
        "number": report.number,
        "period": period_of(report).label,
    }
    return {"title": title, "subtitle": subtitle, "computed_at": timezone.localtime(report.issued_at)}


def context(report: PublishedReport) -> dict[str, Any]:
    """The snapshot as a report context, from its published cells only (the page renders this)."""
    return published.thaw(report.cells, **meta(report))


@transaction.atomic
def issue(*, actor: Actor, kind: str, period: periods.Period, company: Organisation | None = None) -> PublishedReport:
    """Compute the period's report as known at its end, decide what the audience may see, render
    the PDF and XLSX from the published cells and keep all three. Refused for a period not over
    or already issued."""
    today = timezone.localdate()
    if not period.ended(today):
        raise ValidationError(
            _("%(period)s is not over yet: its report can be issued from the day after it ends.")
            % {"period": period.label}
        )
    if (kind == PublishedReport.Kind.COMPANY) != (company is not None):
        raise ValidationError(_("A company report needs its company; a funder report none."))
    same = PublishedReport.objects.filter(kind=kind, company=company, period_start=period.start, period_end=period.end)
    if earlier := same.first():
        raise ValidationError(
            _("The report for %(period)s was already issued (no. %(number)s).")
            % {"period": period.label, "number": earlier.number}
        )
    built = reports.build(kind, target_id=company.pk if company else None, today=period.end)
    last = PublishedReport.objects.select_for_update().filter(kind=kind).aggregate(n=Max("number"))["n"] or 0
    report = PublishedReport(
        kind=kind,
        company=company,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        number=last + 1,
        issued_by=signed_in(actor),
        language=get_language() or "fr",
        cells=published.freeze(built, audience=kind),
    )
    rendered = context(report)
    report.pdf, report.xlsx = reports.pdf(rendered), reports.xlsx(rendered)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:  # issued meanwhile by someone else
        raise ValidationError(_("This report was just issued by someone else.")) from error
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=report, kind=kind, number=report.number)
    return report
