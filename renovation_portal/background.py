"""Long admin work as jobs on the queue (issue 18, item 5). Knows no app.

A spreadsheet import or a large export runs in a worker, not in the clerk's
request: the clerk is sent to the job's page (a progress bar) and may leave it
and come back. This module is the seam the apps use:

- an app registers what a kind of job does (:func:`register`): ``run(work)``
  does the work, reporting progress through ``work.report(done, total)``
  and storing a file through ``work.save_file``; it returns what the job
  page shows (a small JSON-able dict, read by ``describe``), or raises
  :class:`JobFailed` with a message in the clerk's language;
- a view queues a job (:func:`queue`) and redirects to the address returned.

The job record, the Celery task that runs it and the job pages belong to the
site-level app (``sitewide/jobs.py``), which installs itself here when Django
starts (:func:`install`); the layers stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Work(Protocol):
    """What a running job hands to its kind's ``run``."""

    user: Any
    params: dict[str, Any]

    def report(self, done: int, total: int | None = None) -> None: ...

    def save_file(self, filename: str, content) -> None: ...

    def complete(self, result: dict[str, Any]) -> None: ...


class JobFailed(Exception):
    """The job did nothing; ``message`` says why in the clerk's language,
    ``result`` carries details the job page shows (rejected rows)."""

    def __init__(self, message: str, result: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.result = result or {}


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable[[Work], dict[str, Any]]
    # The job's title and its result, in the language active when shown.
    title: Callable[[dict[str, Any]], str]
    describe: Callable[[dict[str, Any]], str]
    # What to do once it is done: (a button's label, its address), or None;
    # given the result with the job's id under "job".
    next: Callable[[dict[str, Any]], tuple[str, str] | None] | None = None


class Backend(Protocol):
    def queue(self, *, kind: str, user, params: dict[str, Any], total: int) -> str: ...

    def result(self, *, kind: str, job_id: int, user) -> dict[str, Any] | None: ...


_kinds: dict[str, Kind] = {}
_backend: Backend | None = None


def register(
    name: str,
    *,
    run: Callable[[Work], dict[str, Any]],
    title: Callable[[dict[str, Any]], str],
    describe: Callable[[dict[str, Any]], str],
    next: Callable[[dict[str, Any]], tuple[str, str] | None] | None = None,
) -> None:
    _kinds[name] = Kind(name=name, run=run, title=title, describe=describe, next=next)


def kind(name: str) -> Kind:
    return _kinds[name]


def install(backend: Backend) -> None:
    global _backend
    _backend = backend


def queue(*, kind: str, user, params: dict[str, Any], total: int = 0) -> str:
    """Queue a job of a registered kind for ``user``; the address of its page.

    Without a broker (``make run``, tests) the job has run when this returns.
    """
    if kind not in _kinds:
        raise LookupError(kind)
    if _backend is None:  # pragma: no cover (sitewide is always installed)
        raise RuntimeError("No job backend is installed.")
    return _backend.queue(kind=kind, user=user, params=params, total=total)


def result(*, kind: str, job_id: int, user) -> dict[str, Any] | None:
    """The result of ``user``'s finished job of ``kind`` (a superuser: anyone's),
    or None when there is no such job or it has not finished well."""
    if _backend is None:  # pragma: no cover
        raise RuntimeError("No job backend is installed.")
    return _backend.result(kind=kind, job_id=job_id, user=user)
