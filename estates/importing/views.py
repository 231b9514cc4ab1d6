"""The admin's import pages: upload → preview → apply, and the template download.

Between preview and apply the uploaded file waits in the default storage under
a random name; the preview page carries a signed token naming it, the kind of
import and the clerk, valid for an hour. Apply queues a job (jobs.py; the clerk
watches its progress bar and may leave the page) that reads the file again and
checks every row again (records may have changed meanwhile), then writes all
or nothing. The job first claims the stored file (a unique ImportClaim row, in
the import's transaction), so two clicks on "apply" at the same moment import
it once; the second job says it was already applied. The file is deleted once
applied, or at once when the preview rejects a row (there is nothing to
apply); files left by a preview never applied are deleted at the next upload
once their token has expired. They are never
served: the nginx example refuses ``/media/imports/``.

A file larger than ``IMPORT_PREVIEW_JOB_BYTES`` is checked by a job too (its
rows take seconds): the clerk follows a progress bar, may leave, and the job's
page leads to the same preview (``checked_view``) with the same apply button.

The pages run inside the admin (``admin_site.admin_view``) and take their
querysets from the registered ModelAdmins' ``get_queryset(request)``, so
whatever scoping the admin applies to a clerk applies to the import too.
"""

from __future__ import annotations

import datetime
import io
import secrets
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from renovation_portal import background

from ..models import Community, Estate, ImportClaim, WorksItem
from .importers import IMPORTERS, Importer
from .jobs import KIND as JOB_KIND
from .jobs import PREVIEW_KIND as PREVIEW_JOB_KIND
from .jobs import preview_from_json
from .reading import MAX_BYTES, MAX_ROWS, ImportFileError
from .template import template_workbook

TOKEN_SALT = "estates.importing"
TOKEN_MAX_AGE = 3600
UPLOAD_FOLDER = "imports"
ALLOWED_SUFFIXES = {".xlsx", ".csv", ".txt"}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # At request time, so the text follows the clerk's language.
        self.fields["file"].help_text = gettext(
            "An .xlsx workbook or a CSV file, at most %(size)d MB."
        ) % {"size": MAX_BYTES // 2**20}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB."),
                params={"size": MAX_BYTES // 2**20},
            )
        if PurePath(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("Upload an .xlsx workbook or a CSV file."), code="suffix"
            )
        return upload


def _model_admin(site: admin.AdminSite, model):
    try:
        return site.get_model_admin(model)
    except NotRegistered:
        raise Http404 from None


def _importer(site: admin.AdminSite, request, kind: str) -> Importer:
    """The importer for ``kind``, with the querysets this clerk may use.

    Importing adds and changes records: both permissions are needed.
    """
    try:
        importer_class = IMPORTERS[kind]
    except KeyError:
        raise Http404 from None
    model_admin = _model_admin(site, importer_class.model)
    if not (
        model_admin.has_add_permission(request)
        and model_admin.has_change_permission(request)
    ):
        raise PermissionDenied
    queryset = model_admin.get_queryset(request)
    if importer_class.model is Estate:
        communities = _model_admin(site, Community).get_queryset(request)
        return importer_class(
            queryset=queryset, communities=communities, user=request.user
        )
    if importer_class.model is WorksItem:
        estates = _model_admin(site, Estate).get_queryset(request)
        return importer_class(queryset=queryset, estates=estates, user=request.user)
    raise Http404  # pragma: no cover


def _context(site, request, importer: Importer, **extra):
    opts = importer.model._meta
    return {
        **site.each_context(request),
        "opts": opts,
        "title": gettext("Import %(records)s") % {"records": opts.verbose_name_plural},
        "kind": importer.kind,
        "columns": importer.columns,
        "max_rows": MAX_ROWS,
        "changelist_url": reverse(
            f"{site.name}:{opts.app_label}_{opts.model_name}_changelist"
        ),
        **extra,
    }


def _purge_stale() -> None:
    """Delete files whose preview was never applied (older than a token lives)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=TOKEN_MAX_AGE)
    # Their tokens have expired: the claims have nothing left to guard.
    ImportClaim.objects.filter(claimed_at__lt=cutoff).delete()
    try:
        _folders, names = default_storage.listdir(UPLOAD_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in names:
        path = f"{UPLOAD_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def _store(data: bytes, filename: str) -> str:
    _purge_stale()
    suffix = PurePath(filename).suffix.lower()
    name = f"{UPLOAD_FOLDER}/{secrets.token_hex(16)}{suffix}"
    return default_storage.save(name, ContentFile(data))


def _claim(stored: str, user) -> bool:
    """Claim the stored upload for this apply, in the caller's transaction:
    False when another apply has claimed it (after waiting for that one to
    commit or roll back: the claim's file name is unique)."""
    try:
        with transaction.atomic():
            ImportClaim.objects.create(file=stored, user=user)
    except IntegrityError:
        return False
    return True


def sign_preview(*, stored: str, name: str, kind: str, user, rows: int) -> str:
    """The token a preview page's "apply" button carries (apply_view reads it)."""
    return signing.dumps(
        {"file": stored, "name": name, "kind": kind, "user": user.pk, "rows": rows},
        salt=TOKEN_SALT,
    )


def _records_url(site: admin.AdminSite, importer) -> str:
    """The change list of the records an import writes: where a job's
    "Back to the records" leads, for the check and for the apply alike."""
    opts = importer.model._meta
    return reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_changelist")


def _discard(name: str) -> None:
    if name.startswith(f"{UPLOAD_FOLDER}/") and default_storage.exists(name):
        default_storage.delete(name)


def import_view(site: admin.AdminSite):
    @require_http_methods(["GET", "POST"])
    def view(request, kind: str):
        importer = _importer(site, request, kind)
        form = UploadForm(request.POST or None, request.FILES or None)
        context = _context(site, request, importer, form=form)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            if len(data) > settings.IMPORT_PREVIEW_JOB_BYTES:
                # Checking a large file takes seconds: a worker does it, and
                # the clerk may leave its page (estates/importing/jobs.py).
                url = background.queue(
                    kind=PREVIEW_JOB_KIND,
                    user=request.user,
                    params={
                        "kind": kind,
                        "file": _store(data, upload.name),
                        "name": upload.name,
                        "back_url": _records_url(site, importer),
                    },
                    total=_estimate_rows(data, upload.name),
                )
                return redirect(url)
            try:
                preview = importer.preview(data, upload.name)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                context["preview"] = preview
                if preview.can_apply:
                    stored = _store(data, upload.name)
                    context["token"] = sign_preview(
                        stored=stored,
                        name=upload.name,
                        kind=kind,
                        user=request.user,
                        rows=preview.total,
                    )
        return TemplateResponse(request, "admin/estates/import.html", context)

    return view


def _estimate_rows(data: bytes, filename: str) -> int:
    """About how many data rows a file has, for the progress bar before it
    is read: a CSV's lines, a workbook's recorded dimension."""
    if PurePath(filename).suffix.lower() != ".xlsx":
        return max(data.count(b"\n") - 1, 0)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True)
        rows = workbook.worksheets[0].max_row or 0
        workbook.close()
    except Exception:  # the job says what is wrong with the file
        return 0
    return max(rows - 1, 0)


def checked_view(site: admin.AdminSite):
    """The preview a job made of a large file: the same page as a small one's,
    with the same "apply" button."""

    @require_GET
    def view(request, kind: str, job: int):
        importer = _importer(site, request, kind)
        result = background.result(kind=PREVIEW_JOB_KIND, job_id=job, user=request.user)
        if result is None or result.get("kind") != kind:
            raise Http404
        context = _context(
            site,
            request,
            importer,
            form=UploadForm(),
            preview=preview_from_json(result["preview"]),
            token=result.get("token", ""),
        )
        return TemplateResponse(request, "admin/estates/import.html", context)

    return view


def apply_view(site: admin.AdminSite):
    @require_POST
    def view(request, kind: str):
        importer = _importer(site, request, kind)
        try:
            token = signing.loads(
                request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
            )
        except signing.BadSignature:
            messages.error(
                request, gettext("The preview has expired. Upload the file again.")
            )
            return redirect("estates-import", kind=kind)
        if token.get("kind") != kind or token.get("user") != request.user.pk:
            raise PermissionDenied
        # The worker checks every row again and writes all or nothing, once
        # (estates/importing/jobs.py); the clerk follows it on the job's page.
        url = background.queue(
            kind=JOB_KIND,
            user=request.user,
            params={
                "kind": kind,
                "file": token["file"],
                "name": token["name"],
                "back_url": _records_url(site, importer),
            },
            total=token.get("rows", 0),
        )
        return redirect(url)

    return view


def template_view(site: admin.AdminSite):
    @require_GET
    def view(request, kind: str):
        importer = _importer(site, request, kind)
        content = template_workbook(importer)
        response = HttpResponse(
            content,
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{importer.kind}-template.xlsx"'
        )
        return response

    return view


def urls(site: admin.AdminSite = admin.site) -> list:
    """Routes to put *before* ``site.urls`` (the admin would otherwise read
    ``import`` as a record's id)."""
    wrap = site.admin_view
    return [
        path(
            "estates/import/<slug:kind>/",
            wrap(import_view(site)),
            name="estates-import",
        ),
        path(
            "estates/import/<slug:kind>/checked/<int:job>/",
            wrap(checked_view(site)),
            name="estates-import-checked",
        ),
        path(
            "estates/import/<slug:kind>/apply/",
            wrap(apply_view(site)),
            name="estates-import-apply",
        ),
        path(
            "estates/import/<slug:kind>/template.xlsx",
            wrap(template_view(site)),
            name="estates-import-template",
        ),
    ]
