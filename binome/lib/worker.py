"""The background worker that survives a locked database (`manage.py worker`).

django-tasks-db's worker (`db_worker`) stops on the first "database is locked" it meets outside
its claim: when it starts a transaction to claim a task, when it writes a task's result, or when
the task itself hits the lock (the task is then marked failed: an email lost). Here:

- a task that fails because the database was locked is put back in the queue, to run again after a
  pause that grows with each try (`retry_delay`): never marked failed, never lost;
- a task's result is written with `when_unlocked` (tries again while the database is busy);
- the worker's loop, if the lock still reaches it, pauses and starts again instead of exiting.

`make run` also restarts the worker if its process dies (scripts/supervise); the restarted worker
puts back what the dead one was running (`--recover-running-after 0`: only one worker runs there).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from binome.lib.locks import is_locked, pause, when_unlocked

logger = logging.getLogger("django_tasks_db")

# A task that met a locked database runs again after 2 s, 4 s, 8 s… at most 5 minutes later.
RETRY_FIRST_SECONDS = 2.0
RETRY_MAX_SECONDS = 300.0


def retry_delay(tries: int) -> timedelta:
    return timedelta(seconds=min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** max(tries - 1, 0)))


def put_back(result: DBTaskResult) -> None:
    """The task goes back to the queue, to run after its pause; its claims (`worker_ids`) count the tries."""
    result.status = TaskResultStatus.READY
    result.run_after = timezone.now() + retry_delay(len(result.worker_ids))
    result.started_at = None
    when_unlocked(lambda: result.save(update_fields=["status", "run_after", "started_at"]))


def recover_running(*, older_than: timedelta) -> int:
    """Put back the tasks a worker claimed but never finished (its process was killed mid-task)
    for longer than `older_than`: without this they would stay "running" forever. Emails are
    safe to run again (a sent message is skipped). Returns how many."""
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lte=timezone.now() - older_than
    ).order_by("pk")
    found = list(stale)
    for result in found:
        put_back(result)
    return len(found)


class ResilientWorker(Worker):
    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.running_task = True
        try:
            self._run(db_task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _run(self, result: DBTaskResult) -> None:
        try:
            task = result.task
            task_result = result.task_result
            task_started.send(sender=task.get_backend(), task_result=task_result)
            if task.takes_context:
                value: Any = task.call(TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs)
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
        except OperationalError as error:
            if not is_locked(error):
                self._failed(result, error)
                return
            logger.warning("Task id=%s met a locked database: it runs again later.", result.id)
            put_back(result)
            return
        except Exception as error:
            self._failed(result, error)
            return
        except BaseException:  # Ctrl-C twice, SIGTERM: the task runs again at the next start
            put_back(result)
            raise
        when_unlocked(lambda: result.set_successful(value))
        task_finished.send(sender=type(task.get_backend()), task_result=result.task_result)

    def _failed(self, result: DBTaskResult, error: BaseException) -> None:
        when_unlocked(lambda: result.set_failed(error))
        try:
            sender = type(result.task.get_backend())
        except (ImportError, SuspiciousOperation):
            logger.exception("Task id=%s failed unexpectedly", result.id)
        else:
            task_finished.send(sender=sender, task_result=result.task_result)

    def run_supervised(self, *, recover_after: timedelta | None = None) -> None:
        """`run`, started again (after a pause) whenever a locked database still reaches the loop.
        `recover_after`: first put back the tasks left running that long by a worker that died."""
        if recover_after is not None:
            recovered = recover_running(older_than=recover_after)
            if recovered:
                logger.warning("%s task(s) left running by a stopped worker go back to the queue.", recovered)
        tries = 0
        while True:
            try:
                self.run()
                return
            except OperationalError as error:
                if not is_locked(error):
                    raise
                tries += 1
                delay = pause(tries, first=0.5, cap=30.0)
                logger.warning("The database is locked: the worker carries on in %.1f s.", delay)
                time.sleep(delay)
