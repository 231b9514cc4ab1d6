"""The site's own records: long admin work run as jobs (issue 18, item 5).

A job is queued by a clerk (an import applied, a large export), run by a
worker (sitewide/jobs.py) and shown on its page with a progress bar. Its file
(an export) is stored privately: its only address is the job's download view,
which answers the job's owner or a superuser. Finished jobs are deleted after
``JOB_KEEP_DAYS`` days, with their files.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renovation_portal.staff_documents import StaffOnlyStorage


class JobFileStorage(StaffOnlyStorage):
    """The default storage, but a file's address is never its media URL:
    only the job's download view serves it (nginx refuses ``/media/jobs/``)."""

    def url(self, name):
        job = Job.objects.filter(file=name).only("pk").first()
        return job.download_url if job else ""


def job_file_storage() -> JobFileStorage:
    return JobFileStorage()


class JobStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("job status", "queued")
    RUNNING = "running", pgettext_lazy("job status", "running")
    DONE = "done", pgettext_lazy("job status", "done")
    FAILED = "failed", pgettext_lazy("job status", "failed")


class Job(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name=_("started by"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    # What the job needs to run again in a worker (a file name, a query string).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
        db_index=True,
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    # What the job page shows when it ends (counts, rejected rows).
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The clerk's language when queued: the worker writes messages in it.
    language = models.CharField(_("language"), max_length=16)
    file = models.FileField(
        _("file"), storage=job_file_storage, max_length=200, blank=True
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("admin:sitewide_job_progress", args=[self.pk])

    @property
    def title(self) -> str:
        from renovation_portal import background

        try:
            return background.kind(self.kind).title(self.params)
        except LookupError:
            return self.kind

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def summary(self) -> str:
        from renovation_portal import background

        if self.status != JobStatus.DONE:
            return ""
        try:
            return background.kind(self.kind).describe(self.result)
        except LookupError:
            return ""

    @property
    def next_step(self) -> tuple[str, str] | None:
        """(label, address) of what to do once it is done, if its kind says."""
        from renovation_portal import background

        if self.status != JobStatus.DONE:
            return None
        try:
            step = background.kind(self.kind).next
        except LookupError:
            return None
        return step({**self.result, "job": self.pk}) if step is not None else None

    @property
    def status_url(self) -> str:
        return reverse("admin:sitewide_job_status", args=[self.pk])

    @property
    def download_url(self) -> str:
        return reverse("admin:sitewide_job_download", args=[self.pk])
