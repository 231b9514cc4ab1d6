"""The clerk's jobs in the admin: "my jobs", each job's page with its progress
bar, its status for the page's poll, and its file (issue 18, item 5).

Every staff member may list jobs, but sees only their own (a superuser sees
all); nobody adds, changes or deletes one here (old jobs are deleted by the
scheduler, sitewide/jobs.py). Another clerk's job is "not found", its file
too.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import admin
from django.http import FileResponse, Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .models import Job, JobStatus


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["job_title", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["user"]
    fields = [
        "job_title",
        "user",
        "status",
        "progress",
        "created_at",
        "started_at",
        "finished_at",
        "error",
        "page",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        if request.user.is_superuser:
            return jobs
        return jobs.filter(user=request.user)

    def get_list_display(self, request):
        if request.user.is_superuser:
            return [*self.list_display[:1], "user", *self.list_display[1:]]
        return self.list_display

    # Every staff member has jobs of their own to look at, whatever their role.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        return (
            obj is None or request.user.is_superuser or obj.user_id == request.user.pk
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("job"))
    def job_title(self, job):
        return format_html('<a href="{}">{}</a>', job.get_absolute_url(), job.title)

    @admin.display(description=_("progress"))
    def progress(self, job):
        return gettext("%(done)d / %(total)d rows") % {
            "done": job.done,
            "total": job.total,
        }

    @admin.display(description=_("job page"))
    def page(self, job):
        return format_html(
            '<a href="{}">{}</a>', job.get_absolute_url(), gettext("Open the job page")
        )

    # -- the job's own pages ------------------------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:job_id>/progress/",
                wrap(require_GET(self.progress_view)),
                name="sitewide_job_progress",
            ),
            path(
                "<int:job_id>/status/",
                wrap(require_GET(self.status_view)),
                name="sitewide_job_status",
            ),
            path(
                "<int:job_id>/download/",
                wrap(require_GET(self.download_view)),
                name="sitewide_job_download",
            ),
            *super().get_urls(),
        ]

    def _job(self, request, job_id: int) -> Job:
        job = self.get_queryset(request).filter(pk=job_id).first()
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        return job

    def progress_view(self, request, job_id: int):
        job = self._job(request, job_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": job.title,
            "job": job,
            "percent": round(100 * job.done / job.total) if job.total else None,
            "changelist_url": reverse("admin:sitewide_job_changelist"),
            "back_url": job.params.get("back_url", ""),
            "rejected": job.result.get("rejected", []),
            "rejected_more": job.result.get("rejected_more", 0),
            "next": job.next_step,
        }
        return TemplateResponse(request, "admin/sitewide/job_progress.html", context)

    def status_view(self, request, job_id: int):
        job = self._job(request, job_id)
        return JsonResponse(
            {
                "status": job.status,
                "done": job.done,
                "total": job.total,
                "finished": job.finished,
                "text": gettext("%(done)d / %(total)d rows")
                % {"done": job.done, "total": job.total},
            },
            headers={"Cache-Control": "no-store"},
        )

    def download_view(self, request, job_id: int):
        job = self._job(request, job_id)
        if job.status != JobStatus.DONE or not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=True, filename=PurePosixPath(job.file.name).name
        )
        response["Cache-Control"] = "private, no-store"
        return response
