"""Applying an import as a job (issue 18, item 5): the admin's "apply" queues
it (views.py) and a worker runs it, with the clerk's scope and permissions
worked out again there, the rows checked again and written all or nothing.

Apply once: the job claims the stored upload (ImportClaim) in the import's own
transaction, and ends itself (``work.complete``) in that transaction too, so a
second job of the same preview — a second click, at the same moment or later
— finds the claim and writes nothing, and a worker that dies mid-way leaves
nothing written and the job to be run again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.test import RequestFactory
from django.utils.translation import gettext, ngettext

from renovation_portal import background

from .base import REJECT
from .importers import IMPORTERS, ImportRefused
from .reading import ImportFileError

KIND = "estates.import"
# The rejected rows a refused import's job page lists.
REJECTED_KEPT = 200


def _rejected(preview) -> dict[str, Any]:
    rows = [
        [row.number, row.label, list(row.reasons)]
        for row in preview.rows
        if row.action == REJECT
    ][:REJECTED_KEPT]
    return {"rejected": rows, "rejected_more": preview.counts[REJECT] - len(rows)}


def _load(work: background.Work, *, missing: str):
    """The importer, with the clerk's scope worked out again in the worker,
    and the stored upload's bytes; a clear failure when either is gone."""
    from .views import _importer

    request = RequestFactory().get("/admin/")
    request.user = work.user
    try:
        importer = _importer(admin.site, request, work.params["kind"])
    except (PermissionDenied, Http404):
        raise background.JobFailed(
            gettext("You may no longer import these records: nothing was written.")
        ) from None
    importer.progress = work.report
    try:
        with default_storage.open(work.params["file"], "rb") as handle:
            return importer, handle.read()
    except (FileNotFoundError, OSError):
        raise background.JobFailed(missing) from None


def _records(params: dict[str, Any]) -> str:
    importer = IMPORTERS.get(params.get("kind", ""))
    return importer.model._meta.verbose_name_plural if importer else ""


def run(work: background.Work) -> dict[str, Any]:
    from .views import _claim, _discard

    params = work.params
    stored = params["file"]
    importer, data = _load(
        work,
        missing=gettext(
            "This file was already imported, or it expired. Upload it again."
        ),
    )
    try:
        with transaction.atomic():
            if not _claim(stored, work.user):
                raise background.JobFailed(
                    gettext("This import has already been applied.")
                )
            preview = importer.apply(data, params["name"])
            result = {**preview.counts, "total": preview.total}
            work.complete(result)
    except ImportFileError as error:
        _discard(stored)
        raise background.JobFailed(str(error)) from None
    except ImportRefused as refused:
        _discard(stored)
        raise background.JobFailed(
            gettext(
                "The import was refused when applying: nothing was written. "
                "Correct the rows below and upload the file again."
            ),
            result=_rejected(refused.preview),
        ) from None
    _discard(stored)
    return result


def title(params: dict[str, Any]) -> str:
    return gettext("Import %(records)s: %(file)s") % {
        "records": _records(params),
        "file": params.get("name", ""),
    }


def describe(result: dict[str, Any]) -> str:
    total = result.get("total", 0)
    return ngettext(
        "Imported: %(created)d created, %(changed)d changed, "
        "%(unchanged)d unchanged (%(count)d row).",
        "Imported: %(created)d created, %(changed)d changed, "
        "%(unchanged)d unchanged (%(count)d rows).",
        total,
    ) % {
        "created": result.get("create", 0),
        "changed": result.get("change", 0),
        "unchanged": result.get("unchanged", 0),
        "count": total,
    }


background.register(KIND, run=run, title=title, describe=describe)


# -- a large file's preview (checking every row takes seconds) ---------------
PREVIEW_KIND = "estates.import-preview"


def _row_json(row) -> list:
    return [
        row.number,
        row.label,
        row.action,
        [str(reason) for reason in row.reasons],
        [[str(label), str(old), str(new)] for label, old, new in row.changes],
    ]


def preview_from_json(data: dict[str, Any]):
    """The preview the job found, as the import page shows one."""
    from .base import Preview, RowResult

    preview = Preview()
    preview.counts = dict(data["counts"])
    preview.total = data["total"]
    preview.rows = [
        RowResult(
            number=number,
            label=label,
            action=action,
            reasons=reasons,
            changes=[tuple(change) for change in changes],
        )
        for number, label, action, reasons, changes in data["rows"]
    ]
    for row in preview.rows:
        preview.shown[row.action] += 1
    return preview


def run_preview(work: background.Work) -> dict[str, Any]:
    from .views import _discard, sign_preview

    params = work.params
    stored = params["file"]
    importer, data = _load(
        work,
        missing=gettext("This file expired before it was checked. Upload it again."),
    )
    try:
        preview = importer.preview(data, params["name"])
    except ImportFileError as error:
        _discard(stored)
        raise background.JobFailed(str(error)) from None
    result: dict[str, Any] = {
        "kind": params["kind"],
        "preview": {
            "counts": preview.counts,
            "total": preview.total,
            "rows": [_row_json(row) for row in preview.rows],
        },
        "can_apply": preview.can_apply,
        "total": preview.total,
    }
    if preview.can_apply:
        # What the upload page signs for a small file: apply_view reads it.
        result["token"] = sign_preview(
            stored=stored,
            name=params["name"],
            kind=params["kind"],
            user=work.user,
            rows=preview.total,
        )
    else:
        _discard(stored)  # nothing can be applied
    work.report(preview.total, preview.total)
    return result


def preview_title(params: dict[str, Any]) -> str:
    return gettext("Check %(records)s to import: %(file)s") % {
        "records": _records(params),
        "file": params.get("name", ""),
    }


def preview_describe(result: dict[str, Any]) -> str:
    counts = result.get("preview", {}).get("counts", {})
    return gettext(
        "Checked: %(created)d to create, %(changed)d to change, %(unchanged)d "
        "unchanged, %(rejected)d rejected. Nothing is written until you apply."
    ) % {
        "created": counts.get("create", 0),
        "changed": counts.get("change", 0),
        "unchanged": counts.get("unchanged", 0),
        "rejected": counts.get(REJECT, 0),
    }


def preview_next(result: dict[str, Any]) -> tuple[str, str] | None:
    from django.urls import reverse

    job_id = result.get("job")
    if not job_id:
        return None
    return (
        gettext("Open the preview"),
        reverse(
            "estates-import-checked", kwargs={"kind": result["kind"], "job": job_id}
        ),
    )


background.register(
    PREVIEW_KIND,
    run=run_preview,
    title=preview_title,
    describe=preview_describe,
    next=preview_next,
)
