"""The one cron entry point: `python manage.py run_daily` (idempotent: a second run the same
day changes nothing). Each daily job is a function of the date; later issues add theirs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from binome.meetings import engagement
from binome.privacy import retention
from binome.sourcing.digest import send_referrer_digests
from binome.surveys import services as surveys


class Command(BaseCommand):
    help = "Run all daily work: engagement alerts, reminders to duos, referrers' digests."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="run as of this day (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}") from error
        evaluation = engagement.evaluate(today)
        reminded = engagement.send_reminders(today)
        invited = surveys.open_due_waves(today)
        survey_reminded = surveys.send_survey_reminders(today)
        digests = send_referrer_digests(today)
        retained = retention.apply(today)  # `manage.py apply_retention --dry-run` shows it first
        self.stdout.write(
            f"{today}: alerts raised {len(evaluation.raised)}, resolved {evaluation.resolved},"
            f" reopened {evaluation.reopened}; duos reminded {reminded};"
            f" surveys: invited {invited}, reminded {survey_reminded}; referrer digests {digests};"
            f" retention: files anonymised {retained.people_count}, audit events deleted {retained.audit_events},"
            f" task records deleted {retained.finished_tasks}"
        )
