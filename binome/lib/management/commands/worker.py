"""`manage.py worker`: django-tasks-db's `db_worker` (same options), with the worker of
binome/lib/worker.py, which survives a locked database and never loses a task to it."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from binome.lib.worker import ResilientWorker


class Command(db_worker.Command):
    help = "Run the background worker (emails, reports); a locked database makes it wait, never stop"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--recover-running-after",
            type=float,
            default=None,
            metavar="SECONDS",
            help="At start, put back in the queue the tasks left running for that long by a worker that died "
            "(0 with a single worker, as `make run`); by default none.",
        )

    def handle(self, *, verbosity: int, reload: bool, batch: bool, **options: Any) -> None:
        import os

        self.configure_logging(verbosity)
        queue_names = options["queue_name"].split(",")
        after = options["recover_running_after"]
        recover_after = None if after is None else timedelta(seconds=max(after, 0))
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run_supervised, recover_after=recover_after)
        else:
            worker.configure_signals()
            worker.run_supervised(recover_after=recover_after)
