"""Running the jobs of ``renovation_portal.background`` (issue 18, item 5).

:func:`job_queue` writes the job row and asks a worker to run it (in-process
without a broker: ``make run`` and the tests). :func:`job_run` is what the
worker does: it marks the job running, runs its kind in the clerk's language
and records how it ended. A job that is done or failed is never run again, so
a task delivered twice (``CELERY_TASK_ACKS_LATE``: a worker died mid-way)
runs the work once more only when the first run did not finish it; a kind that
writes records ends its job inside its own transaction
(``work.complete``), so the records and "done" are committed together.

Progress: a kind's records may be written in one long transaction (an import,
all or nothing) that must not hold the job's row, or the clerk's page would
see no progress until the end. On PostgreSQL the progress is written through
a second connection of its own, committed at once; elsewhere (SQLite: one
writer at a time) through the usual one, seen when the job ends.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from renovation_portal import background

from .models import Job, JobStatus

logger = logging.getLogger(__name__)


class JobWork:
    """What a kind's ``run`` is handed (``renovation_portal.background.Work``)."""

    def __init__(self, job: Job):
        self.job = job
        self.user = job.user
        self.params = job.params
        self._side = None
        self.completed = False

    def report(self, done: int, total: int | None = None) -> None:
        job = self.job
        job.done = done
        if total is not None:
            job.total = total
        job.total = max(job.total, job.done)
        if self._write_aside(job.done, job.total):
            return
        Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total)

    def _write_aside(self, done: int, total: int) -> bool:
        """Progress through a connection of its own, outside the work's
        transaction; False when there is none to use (or it cannot see the
        row yet: a job queued in a transaction still open, as in a test)."""
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return False
        if self._side is None:
            self._side = connections.create_connection(connection.alias)
        table = self._side.ops.quote_name(Job._meta.db_table)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608
                [done, total, self.job.pk],
            )
            return cursor.rowcount == 1

    def save_file(self, filename: str, content) -> None:
        self.job.file.save(f"jobs/{filename}", File(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(file=self.job.file.name)

    def complete(self, result: dict[str, Any]) -> None:
        """End the job as done, in the caller's transaction if any."""
        job = self.job
        job.status = JobStatus.DONE
        job.result = result
        job.done = job.total = max(job.total, job.done)
        job.finished_at = timezone.now()
        Job.objects.filter(pk=job.pk).update(
            status=job.status,
            result=result,
            done=job.done,
            total=job.total,
            finished_at=job.finished_at,
        )
        self.completed = True

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def job_queue(*, kind: str, user, params: dict[str, Any], total: int) -> str:
    job = Job.objects.create(
        user=user,
        kind=kind,
        params=params,
        total=total,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )

    def send() -> None:
        try:
            run_job.delay(job.pk)
        except Exception:
            logger.warning("Could not queue job %s", job.pk, exc_info=True)
            job_fail(
                job=job,
                message=gettext(
                    "The job queue does not answer: nothing was done. Try again later."
                ),
            )

    if connection.in_atomic_block and not settings.CELERY_TASK_ALWAYS_EAGER:
        # A worker elsewhere must find the row: ask once it is committed.
        transaction.on_commit(send)
    else:
        # In-process, the job sees the row on this connection at once.
        send()
    return job.get_absolute_url()


def job_fail(*, job: Job, message: str, result: dict[str, Any] | None = None):
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        error=message,
        result=result or {},
        finished_at=timezone.now(),
    )


def job_run(*, job_id: int) -> str | None:
    """Run a queued (or interrupted) job; its status at the end, or None when
    there was nothing to run."""
    job = (
        Job.objects.select_related("user")
        .filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .first()
    )
    if job is None:
        return None
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    work = JobWork(job)
    with translation.override(job.language):
        try:
            result = background.kind(job.kind).run(work)
        except background.JobFailed as failure:
            job_fail(job=job, message=failure.message, result=failure.result)
            return JobStatus.FAILED
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            job_fail(
                job=job,
                message=gettext(
                    "The job stopped on an unexpected error: nothing was written. "
                    "Try again; if it fails again, tell the site's administrator."
                ),
            )
            return JobStatus.FAILED
        finally:
            work.close()
    if not work.completed:
        work.complete(result or {})
    return JobStatus.DONE


def jobs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the jobs that ended more than ``JOB_KEEP_DAYS`` days ago, and
    their files; how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.JOB_KEEP_DAYS)
    old = Job.objects.filter(
        status__in=[JobStatus.DONE, JobStatus.FAILED], finished_at__lt=cutoff
    )
    count = 0
    for job in old.only("pk", "file").iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Fail the jobs no worker took within ``JOB_START_MINUTES`` (their
    message lost with a broker's restart) or that ran longer than
    ``JOB_RUN_MINUTES`` (a worker gone without its task coming back), so a
    clerk is not left watching a bar that never moves; how many. A job that
    arrives after this is not run (``job_run`` takes only queued or running
    ones): the clerk starts it again."""
    now = now or timezone.now()
    stuck = Job.objects.filter(
        Q(
            status=JobStatus.QUEUED,
            created_at__lt=now - datetime.timedelta(minutes=settings.JOB_START_MINUTES),
        )
        | Q(
            status=JobStatus.RUNNING,
            started_at__lt=now - datetime.timedelta(minutes=settings.JOB_RUN_MINUTES),
        )
    )
    count = 0
    for job in stuck.only("pk", "language"):
        with translation.override(job.language):
            message = gettext(
                "The job did not finish: the job queue lost it. Nothing was "
                "written. Start it again."
            )
        count += Job.objects.filter(
            pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).update(status=JobStatus.FAILED, error=message, finished_at=now)
    return count


@shared_task(name="sitewide.sweep_jobs", ignore_result=True)
def sweep_jobs() -> int:
    return jobs_sweep()


@shared_task(name="sitewide.run_job", ignore_result=True)
def run_job(job_id: int) -> str | None:
    return job_run(job_id=job_id)


@shared_task(name="sitewide.purge_jobs", ignore_result=True)
def purge_jobs() -> int:
    return jobs_purge()


class _Backend:
    @staticmethod
    def queue(*, kind, user, params, total):
        return job_queue(kind=kind, user=user, params=params, total=total)

    @staticmethod
    def result(*, kind, job_id, user):
        jobs = Job.objects.filter(pk=job_id, kind=kind, status=JobStatus.DONE)
        if not user.is_superuser:
            jobs = jobs.filter(user=user)
        job = jobs.only("result").first()
        return None if job is None else job.result


def install() -> None:
    background.install(_Backend())
