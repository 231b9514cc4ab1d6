"""Export any admin change list as a spreadsheet (XLSX or CSV). Knows no app.

Two site-wide admin actions (:func:`install`) put "Export as XLSX / CSV" on
every change list. An action gets the queryset the change list built — the
ModelAdmin's ``get_queryset(request)`` (so any scoping of a clerk to their
community applies), narrowed by the list's filters and search, and by the rows
ticked (or every row with "select all") — and exports exactly those rows.

Columns are the model's concrete fields that carry a verbose name (internal
columns such as search keys have none), headed by that name in the user's
language, a translated field's columns marked with their language code
("名称 [en]"). Foreign keys show the related record's name, choices their label.

Residents' personal data is never exported: a model marked with
:func:`exclude` (the app that owns it does this; contact details, and the
feedback register, which has its own export with its own rules) is refused
whole, even for a superuser.

CSV rows are streamed (``StreamingHttpResponse``) and XLSX is written with
openpyxl's write-only mode, so a large change list does not sit in memory
as objects.
https://docs.djangoproject.com/en/5.2/howto/outputting-csv/#streaming-large-csv-files
https://openpyxl.readthedocs.io/en/stable/optimized.html#write-only-mode
"""

from __future__ import annotations

import csv
import datetime
import decimal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from translated_fields.fields import show_language_code

from renovation_portal import background

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows fetched from the database at a time while a file is written.
CHUNK_SIZE = 2000

_excluded: set[str] = set()


def exclude(*model_classes: type[models.Model]) -> None:
    """Never export these models through the generic actions."""
    _excluded.update(model._meta.label_lower for model in model_classes)


def is_exportable(model: type[models.Model]) -> bool:
    return model._meta.label_lower not in _excluded


def export_fields(model: type[models.Model]) -> list[models.Field]:
    """The exported columns: concrete fields with a verbose name of their own."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.primary_key or field._verbose_name is not None
    ]


def headers(fields: Iterable[models.Field]) -> list[str]:
    with show_language_code(True):  # noqa: FBT003 (the library's signature)
        return [str(field.verbose_name) for field in fields]


# A cell starting with one of these is a formula to a spreadsheet program:
# recorded text must never run as one (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def cell_value(obj: models.Model, field: models.Field) -> Any:
    """A field's value as a spreadsheet cell: text, number, date or empty."""
    if field.is_relation:
        related = getattr(obj, field.name)
        return "" if related is None else _safe_text(str(related))
    if field.choices:
        value = getattr(obj, field.attname)
        return "" if value is None else str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.attname)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # Local time, without a zone: spreadsheets cannot hold one.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, (int, float, decimal.Decimal, datetime.date)):
        return value
    return _safe_text(str(value))


def export_rows(queryset: models.QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
    """The header row and an iterator over the rows, in chunks from the database."""
    model = queryset.model
    if not is_exportable(model):
        raise PermissionDenied(gettext("These records cannot be exported."))
    fields = export_fields(model)
    related = [field.name for field in fields if field.is_relation]
    rows = queryset.select_related(*related)
    if not rows.ordered:
        rows = rows.order_by("pk")

    def iterate() -> Iterator[list[Any]]:
        for obj in rows.iterator(chunk_size=CHUNK_SIZE):
            yield [cell_value(obj, field) for field in fields]

    return headers(fields), iterate()


def _filename(queryset: models.QuerySet, extension: str) -> str:
    stamp = timezone.localdate().isoformat()
    return f"{queryset.model._meta.model_name}-{stamp}.{extension}"


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


class _Echo:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, value: str) -> str:
        return value


Watch = Callable[[Iterator[list[Any]]], Iterator[list[Any]]]


def csv_chunks(queryset: models.QuerySet, watch: Watch | None = None) -> Iterator[str]:
    """The CSV file as text, row by row; ``watch`` wraps the rows (a job's
    progress)."""
    header, exported = export_rows(queryset)
    writer = csv.writer(_Echo())
    # The byte-order mark makes Excel read the file as UTF-8, not GBK.
    yield "\ufeff" + writer.writerow(header)
    for row in exported if watch is None else watch(exported):
        yield writer.writerow([_csv_text(value) for value in row])


def csv_response(queryset: models.QuerySet) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_chunks(queryset), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(queryset, "csv")}"'
    )
    return response


def write_xlsx(queryset: models.QuerySet, spool, watch: Watch | None = None) -> None:
    """The workbook written to ``spool`` (a binary file)."""
    from openpyxl import Workbook

    header, exported = export_rows(queryset)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(
        title=str(queryset.model._meta.verbose_name_plural)[:31]
    )
    sheet.append(header)
    for row in exported if watch is None else watch(exported):
        sheet.append(row)
    # write_only keeps rows compressed on disk, not as cell objects in memory.
    workbook.save(spool)


def xlsx_response(queryset: models.QuerySet) -> HttpResponse:
    # The finished file goes out from a temporary file.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(queryset, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=_filename(queryset, "xlsx"),
        content_type=XLSX_TYPE,
    )


# -- large change lists: a job (issue 18, item 5) ----------------------------
# Above settings.EXPORT_JOB_ROWS rows an export is written by a worker: the
# clerk is sent to the job's page and downloads the file from there. The
# worker builds the queryset again as the action had it: the change list of
# the same query string (filters, search, ordering) for the same user, through
# the ModelAdmin (its scoping applies), narrowed to the rows ticked unless
# "select all" was used.
JOB_KIND = "export"
FORMATS = {"xlsx": "XLSX", "csv": "CSV"}


def _export(modeladmin, request, queryset, extension: str):
    if not is_exportable(queryset.model):
        raise PermissionDenied(gettext("These records cannot be exported."))
    total = queryset.count()
    if total <= settings.EXPORT_JOB_ROWS:
        if extension == "csv":
            return csv_response(queryset)
        return xlsx_response(queryset)
    return queue_changelist_job(
        modeladmin, request, queryset, kind=JOB_KIND, total=total, format=extension
    )


def queue_changelist_job(
    modeladmin, request, queryset, *, kind: str, total: int, **params
) -> HttpResponseRedirect:
    """Queue a job of ``kind`` over the rows an admin action was given, and
    send the clerk to its page; :func:`changelist_queryset` builds them again
    in the worker."""
    selected = None
    if request.POST.get("select_across") != "1":
        selected = [str(pk) for pk in queryset.values_list("pk", flat=True)]
    query = request.GET.urlencode()
    opts = queryset.model._meta
    changelist = reverse(
        f"{modeladmin.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist"
    )
    url = background.queue(
        kind=kind,
        user=request.user,
        params={
            **params,
            "model": opts.label_lower,
            "query": query,
            "selected": selected,
            "changelist": changelist,
            "back_url": f"{changelist}?{query}" if query else changelist,
        },
        total=total,
    )
    return HttpResponseRedirect(url)


def changelist_queryset(
    work: background.Work, *, exportable=is_exportable
) -> models.QuerySet:
    """In the worker: the rows of the job's change list, for its user."""
    params = work.params
    try:
        model = apps.get_model(params["model"])
        modeladmin = admin.site.get_model_admin(model)
    except (LookupError, NotRegistered):
        raise background.JobFailed(
            gettext("These records cannot be exported.")
        ) from None
    request = RequestFactory().get(params["changelist"] + "?" + params["query"])
    request.user = work.user
    if not exportable(model) or not modeladmin.has_view_permission(request):
        raise background.JobFailed(gettext("These records cannot be exported."))
    try:
        changelist = modeladmin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        raise background.JobFailed(
            gettext("The list's filters are no longer valid: nothing was exported.")
        ) from None
    queryset = changelist.get_queryset(request)
    if params["selected"] is not None:
        queryset = queryset.filter(pk__in=params["selected"])
    return queryset


def _run_job(work: background.Work) -> dict[str, Any]:
    queryset = changelist_queryset(work)
    total = queryset.count()
    work.report(0, total)
    counted = 0

    def watched(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
        nonlocal counted
        for row in rows:
            yield row
            counted += 1
            if counted % CHUNK_SIZE == 0:
                work.report(counted, total)

    extension = work.params["format"]
    with tempfile.TemporaryFile() as spool:
        if extension == "csv":
            for text in csv_chunks(queryset, watched):
                spool.write(text.encode())
        else:
            write_xlsx(queryset, spool, watched)
        spool.seek(0)
        work.report(counted, total)
        work.save_file(_filename(queryset, extension), spool)
    return {"rows": counted}


def _job_title(params: dict[str, Any]) -> str:
    try:
        records = apps.get_model(params["model"])._meta.verbose_name_plural
    except LookupError:
        records = params.get("model", "")
    return gettext("Export %(records)s as %(format)s") % {
        "records": records,
        "format": FORMATS.get(params.get("format"), ""),
    }


def _job_describe(result: dict[str, Any]) -> str:
    rows = result.get("rows", 0)
    return ngettext("%(count)d row exported.", "%(count)d rows exported.", rows) % {
        "count": rows
    }


background.register(JOB_KIND, run=_run_job, title=_job_title, describe=_job_describe)


@admin.action(description=_("Export selected rows as XLSX"), permissions=["view"])
def export_xlsx(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, "xlsx")


@admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
def export_csv(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, "csv")


def install(site: admin.AdminSite, app_labels: Iterable[str]) -> None:
    """Put both export actions on the change list of every exportable model
    of the portal's apps (not on accounts, groups or login records).

    Called once the apps have registered their ModelAdmins (and marked what
    must not be exported), from the project's ``urls.py``. Per ModelAdmin
    rather than ``site.add_action``, so an excluded model never even offers
    the action.
    """
    registered = [
        model
        for label in app_labels
        for model in apps.get_app_config(label).get_models()
        if site.is_registered(model)
    ]
    for model in registered:
        if not is_exportable(model):
            continue
        modeladmin = site.get_model_admin(model)
        actions = list(modeladmin.actions or [])
        for action in (export_xlsx, export_csv):
            if action not in actions:
                actions.append(action)
        modeladmin.actions = actions
