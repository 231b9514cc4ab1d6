"""Long admin work as jobs (issue 18, item 5): an import applied and a large
export run on the queue, the clerk follows a progress bar, may leave and come
back to the result, and nobody else sees the job or its file."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from estates.importing import base as importing_base
from estates.importing.importers import EstateImporter
from estates.models import Estate
from sitewide import jobs
from sitewide.models import Job, JobStatus
from tests.estates.factories import CommunityFactory, EstateFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-9"


def register(count: int) -> bytes:
    rows = ["小区名称,所属社区,户数"]
    rows += [f"测试任务{n}苑,测试东社区,{10 + n}" for n in range(count)]
    return ("\r\n".join(rows) + "\r\n").encode()


def _upload(client, data: bytes, name: str = "register.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("estates-import", kwargs={"kind": "estates"}), {"file": upload}
    )


def _apply(client, token, **kwargs):
    return client.post(
        reverse("estates-import-apply", kwargs={"kind": "estates"}),
        {"token": token},
        **kwargs,
    )


@pytest.fixture
def community():
    return CommunityFactory(name_zh_hans="测试东社区", name_en="Test East Community")


@pytest.fixture
def clerks(client):
    """Two staff members who may import and export compounds."""
    users = []
    codenames = [
        f"{action}_{model}"
        for action in ("add", "change", "view")
        for model in ("estate", "community")
    ]
    permissions = Permission.objects.filter(codename__in=codenames)
    for name in ("clerk-a", "clerk-b"):
        user = get_user_model().objects.create_user(
            username=name, password=PASSWORD, is_staff=True
        )
        user.user_permissions.set(permissions)
        users.append(user)
    return users


def _as(client, user, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _held(monkeypatch):
    """The queue holds the jobs (a worker is busy elsewhere): nothing runs
    until the test runs it, as the worker would."""
    queued = []
    monkeypatch.setattr(jobs.run_job, "delay", queued.append)
    return queued


# -- the import ---------------------------------------------------------------


def test_the_progress_advances_chunk_by_chunk(admin_client, community, monkeypatch):
    monkeypatch.setattr(EstateImporter, "chunk_rows", 2)
    queued = _held(monkeypatch)
    token = _upload(admin_client, register(5)).context["token"]
    _apply(admin_client, token)
    job = Job.objects.get()
    assert (job.status, job.done, job.total) == (JobStatus.QUEUED, 0, 5)
    seen = []
    report = jobs.JobWork.report

    def watched(work, done, total=None):
        report(work, done, total)
        stored = Job.objects.get(pk=work.job.pk)
        seen.append((stored.status, stored.done, stored.total))

    monkeypatch.setattr(jobs.JobWork, "report", watched)

    jobs.job_run(job_id=queued[0])

    assert seen == [
        (JobStatus.RUNNING, 2, 5),
        (JobStatus.RUNNING, 4, 5),
        (JobStatus.RUNNING, 5, 5),
    ]
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 5, 5)
    assert Estate.objects.count() == 5


def test_the_clerk_leaves_and_comes_back_to_the_result(
    admin_client, community, monkeypatch
):
    clerk = admin_client
    clerk.cookies["django_language"] = "en"
    queued = _held(monkeypatch)
    token = _upload(clerk, register(3)).context["token"]
    response = _apply(clerk, token)
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()

    waiting = clerk.get(job.get_absolute_url()).content.decode()
    assert '<progress id="job-progress" max="3" value="0">' in waiting
    assert "0 / 3 rows" in waiting
    assert 'http-equiv="refresh"' in waiting  # without JavaScript too
    assert clerk.get(job.status_url).json() == {
        "status": "queued",
        "done": 0,
        "total": 3,
        "finished": False,
        "text": "0 / 3 rows",
    }

    jobs.job_run(job_id=queued[0])  # the worker, while the clerk is away

    mine = clerk.get(reverse("admin:sitewide_job_changelist")).content.decode()
    assert job.get_absolute_url() in mine
    done = clerk.get(job.get_absolute_url()).content.decode()
    assert "Imported: 3 created, 0 changed, 0 unchanged (3 rows)." in done
    assert "3 / 3 rows" in done
    assert 'http-equiv="refresh"' not in done
    assert reverse("admin:estates_estate_changelist") in done
    assert clerk.get(job.status_url).json()["finished"] is True


def test_with_eager_jobs_the_page_shows_done_at_once(admin_client, community):
    token = _upload(admin_client, register(2)).context["token"]
    admin_client.cookies["django_language"] = "zh-hans"

    response = _apply(admin_client, token, follow=True)

    page = response.content.decode()
    assert "导入完成" in page
    assert "2 / 2 行" in page
    assert Job.objects.get().status == JobStatus.DONE
    assert Estate.objects.count() == 2


def test_a_large_file_is_checked_by_a_job_then_applied_from_its_preview(
    admin_client, community, settings, monkeypatch
):
    settings.IMPORT_PREVIEW_JOB_BYTES = 100
    clerk = admin_client
    clerk.cookies["django_language"] = "en"
    queued = _held(monkeypatch)

    response = _upload(clerk, register(6))

    assert response.status_code == HTTPStatus.FOUND
    checking = Job.objects.get()
    assert response.url == checking.get_absolute_url()
    assert checking.total == 6  # the file's lines, before it is read
    waiting = clerk.get(checking.get_absolute_url()).content.decode()
    assert "0 / 6 rows" in waiting
    assert not Estate.objects.exists()

    jobs.job_run(job_id=queued.pop())  # the worker checks every row

    done = clerk.get(checking.get_absolute_url()).content.decode()
    assert "Checked: 6 to create, 0 to change" in done
    preview_url = reverse(
        "estates-import-checked", kwargs={"kind": "estates", "job": checking.pk}
    )
    assert preview_url in done
    # "Back to the records" leads to the compounds' list, as it does after an apply.
    records = reverse("admin:estates_estate_changelist")
    assert f'<a href="{records}">Back to the records</a>' in done
    preview = clerk.get(preview_url)
    assert preview.status_code == HTTPStatus.OK
    assert "测试任务5苑" in preview.content.decode()
    assert not Estate.objects.exists()  # nothing written by checking

    _apply(clerk, preview.context["token"])
    jobs.job_run(job_id=queued.pop())

    assert Estate.objects.count() == 6


def test_a_large_file_with_rejected_rows_can_not_be_applied(
    admin_client, community, settings
):
    settings.IMPORT_PREVIEW_JOB_BYTES = 100
    data = register(5) + "无效小区,没有这个社区,12\r\n".encode()

    response = _upload(admin_client, data)

    job = Job.objects.get()
    assert job.status == JobStatus.DONE
    preview = admin_client.get(
        reverse("estates-import-checked", kwargs={"kind": "estates", "job": job.pk})
    )
    assert "无效小区" in preview.content.decode()
    assert not preview.context["token"]
    assert 'name="token"' not in preview.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    assert not default_storage.listdir("imports")[1]  # the upload is gone


def test_another_clerk_cannot_open_a_checked_preview(
    client, clerks, community, settings
):
    settings.IMPORT_PREVIEW_JOB_BYTES = 100
    _upload(_as(client, clerks[0]), register(4))
    job = Job.objects.get()
    url = reverse("estates-import-checked", kwargs={"kind": "estates", "job": job.pk})
    assert client.get(url).status_code == HTTPStatus.OK

    assert _as(client, clerks[1]).get(url).status_code == HTTPStatus.NOT_FOUND


def test_another_clerk_can_neither_see_nor_download_a_job(client, clerks):
    owner, other = clerks
    job = Job.objects.create(
        user=owner,
        kind="export",
        params={"model": "estates.estate", "format": "csv"},
        status=JobStatus.DONE,
        language="en",
    )
    job.file.save("jobs/estate.csv", ContentFile(b"\xef\xbb\xbfa,b\r\n"))

    intruder = _as(client, other)
    for url in (job.get_absolute_url(), job.status_url, job.download_url):
        assert intruder.get(url).status_code == HTTPStatus.NOT_FOUND, url
    listed = intruder.get(reverse("admin:sitewide_job_changelist"))
    assert job.get_absolute_url() not in listed.content.decode()

    mine = _as(client, owner).get(job.download_url)
    assert mine.status_code == HTTPStatus.OK
    assert b"".join(mine.streaming_content) == b"\xef\xbb\xbfa,b\r\n"
    assert "private" in mine["Cache-Control"]
    assert "no-store" in mine["Cache-Control"]
    # Its address is the view that checks, never the media folder.
    assert job.file.url == job.download_url


def test_a_failing_job_says_why_in_the_clerks_language_and_writes_nothing(
    admin_client, community, monkeypatch
):
    monkeypatch.setattr(EstateImporter, "chunk_rows", 2)
    write_rows = importing_base.write_rows
    calls = []

    def breaks_on_the_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return write_rows(*args, **kwargs)

    monkeypatch.setattr(importing_base, "write_rows", breaks_on_the_second_chunk)
    clerk = admin_client
    clerk.cookies["django_language"] = "zh-hans"
    token = _upload(clerk, register(5)).context["token"]

    page = _apply(clerk, token, follow=True).content.decode()

    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "意外错误" in job.error
    assert job.error in page
    assert not Estate.objects.exists()


def test_a_refused_import_lists_its_rejected_rows(admin_client, community):
    clerk = admin_client
    clerk.cookies["django_language"] = "en"
    token = _upload(clerk, register(2)).context["token"]
    community.name_zh_hans = "测试改名社区"
    community.save()

    page = _apply(clerk, token, follow=True).content.decode()

    assert "nothing was written" in page
    assert 'id="job-rejected"' in page
    assert not Estate.objects.exists()


def test_a_job_delivered_again_after_it_ended_does_nothing(admin_client, community):
    token = _upload(admin_client, register(2)).context["token"]
    _apply(admin_client, token)
    job = Job.objects.get()

    assert jobs.job_run(job_id=job.pk) is None
    assert Estate.objects.count() == 2
    assert Estate.history.count() == 2


def test_two_jobs_of_one_preview_import_once(admin_client, community, monkeypatch):
    queued = _held(monkeypatch)
    admin_client.cookies["django_language"] = "en"
    token = _upload(admin_client, register(2)).context["token"]
    _apply(admin_client, token)
    _apply(admin_client, token)  # a second click before the first job ran

    assert [jobs.job_run(job_id=pk) for pk in queued] == ["done", "failed"]
    assert Estate.objects.count() == 2
    assert Estate.history.count() == 2
    assert Job.objects.get(pk=queued[1]).error == (
        "This file was already imported, or it expired. Upload it again."
    )


def test_a_broker_that_does_not_answer_fails_the_job_clearly(
    admin_client, community, monkeypatch
):
    def refuse(job_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(jobs.run_job, "delay", refuse)
    admin_client.cookies["django_language"] = "en"
    token = _upload(admin_client, register(2)).context["token"]

    page = _apply(admin_client, token, follow=True).content.decode()

    assert "The job queue does not answer" in page
    assert not Estate.objects.exists()


# -- the export -----------------------------------------------------------------


def _export(client, action, *, query="", select_all=True, selected=()):
    url = reverse("admin:estates_estate_changelist")
    data = {"action": action, "index": 0}
    if select_all:
        data["select_across"] = 1
        data["_selected_action"] = [Estate.objects.first().pk]
    else:
        data["_selected_action"] = [obj.pk for obj in selected]
    return client.post(url + query, data)


@pytest.fixture
def estates():
    east, west = CommunityFactory(name_zh_hans="东测试社区"), CommunityFactory()
    for n in range(4):
        EstateFactory(name_zh_hans=f"东{n}测试小区", community=east, households=n)
    EstateFactory(name_zh_hans="西测试小区", community=west)
    return east


def _job_file(client, response) -> bytes:
    assert response.status_code == HTTPStatus.FOUND
    job = Job.objects.latest("pk")
    assert response.url == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert job.download_url in page
    download = client.get(job.download_url)
    assert download.status_code == HTTPStatus.OK
    return b"".join(download.streaming_content)


@pytest.mark.parametrize("query", ["", "?community__id__exact={east}&o=-2"])
def test_a_large_csv_export_runs_as_a_job_with_the_same_file(
    admin_client, estates, settings, query
):
    query = query.format(east=estates.pk)
    settings.EXPORT_JOB_ROWS = 100
    immediate = b"".join(_export(admin_client, "export_csv", query=query))
    settings.EXPORT_JOB_ROWS = 2

    from_job = _job_file(admin_client, _export(admin_client, "export_csv", query=query))

    assert from_job == immediate
    rows = list(csv.reader(io.StringIO(from_job.decode("utf-8-sig"))))
    assert len(rows) == (5 if query else 6)
    job = Job.objects.get()
    assert (job.done, job.total) == (len(rows) - 1, len(rows) - 1)


def test_a_large_xlsx_export_of_ticked_rows_runs_as_a_job(
    admin_client, estates, settings
):
    ticked = list(Estate.objects.filter(community=estates))[:3]
    settings.EXPORT_JOB_ROWS = 100
    response = _export(admin_client, "export_xlsx", select_all=False, selected=ticked)
    immediate = b"".join(response.streaming_content)
    settings.EXPORT_JOB_ROWS = 2

    content = _job_file(
        admin_client,
        _export(admin_client, "export_xlsx", select_all=False, selected=ticked),
    )

    def cells(data):
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    assert cells(content) == cells(immediate)
    assert len(cells(content)) == 4


def test_a_small_export_stays_immediate(admin_client, estates):
    response = _export(admin_client, "export_csv")
    assert response.status_code == HTTPStatus.OK
    assert not Job.objects.exists()


# -- keeping ---------------------------------------------------------------------


def test_ended_jobs_are_deleted_with_their_files_after_the_keeping_days(
    clerks, settings
):
    settings.JOB_KEEP_DAYS = 7
    now = timezone.now()
    old = Job.objects.create(
        user=clerks[0],
        kind="export",
        status=JobStatus.DONE,
        language="en",
        finished_at=now - datetime.timedelta(days=8),
    )
    old.file.save("jobs/old.csv", ContentFile(b"a"))
    recent = Job.objects.create(
        user=clerks[0],
        kind="export",
        status=JobStatus.DONE,
        language="en",
        finished_at=now - datetime.timedelta(days=6),
    )
    running = Job.objects.create(
        user=clerks[0], kind="export", status=JobStatus.RUNNING, language="en"
    )

    assert jobs.jobs_purge(now=now) == 1

    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert not default_storage.exists(old.file.name)


def test_a_job_the_queue_lost_is_failed_with_a_message_not_left_running(
    clerks, settings, client
):
    settings.JOB_START_MINUTES = 30
    settings.JOB_RUN_MINUTES = 120
    now = timezone.now()

    def job(status, minutes_ago, language="zh-hans"):
        made = Job.objects.create(
            user=clerks[0], kind="export", status=status, language=language
        )
        Job.objects.filter(pk=made.pk).update(
            created_at=now - datetime.timedelta(minutes=minutes_ago),
            started_at=(
                now - datetime.timedelta(minutes=minutes_ago)
                if status == JobStatus.RUNNING
                else None
            ),
        )
        return made

    lost = job(JobStatus.QUEUED, 45)
    waiting = job(JobStatus.QUEUED, 5)
    gone = job(JobStatus.RUNNING, 180, language="en")
    working = job(JobStatus.RUNNING, 20)

    assert jobs.jobs_sweep(now=now) == 2

    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses[lost.pk] == statuses[gone.pk] == JobStatus.FAILED
    assert statuses[waiting.pk] == JobStatus.QUEUED
    assert statuses[working.pk] == JobStatus.RUNNING
    assert "重新" in Job.objects.get(pk=lost.pk).error
    assert "Start it again" in Job.objects.get(pk=gone.pk).error
    # Delivered late, the lost job is not run behind the clerk's back.
    assert jobs.job_run(job_id=lost.pk) is None
    assert settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]["task"] == "sitewide.sweep_jobs"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second connection: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_the_progress_is_seen_from_outside_while_the_import_is_open(
    admin_user, community, monkeypatch
):
    """The clerk's page reads from another connection than the worker's
    import transaction: it must see the rows counted before the commit."""
    monkeypatch.setattr(EstateImporter, "chunk_rows", 2)
    stored = default_storage.save("imports/progress.csv", ContentFile(register(5)))
    job = Job.objects.create(
        user=admin_user,
        kind="estates.import",
        language="en",
        total=5,
        params={"kind": "estates", "file": stored, "name": "progress.csv"},
    )
    outside = connections.create_connection("default")
    seen = []
    report = jobs.JobWork.report

    def watched(work, done, total=None):
        report(work, done, total)
        with outside.cursor() as cursor:
            cursor.execute(
                "SELECT done, (SELECT count(*) FROM estates_estate) FROM "
                "sitewide_job WHERE id = %s",
                [job.pk],
            )
            seen.append(cursor.fetchone())

    monkeypatch.setattr(jobs.JobWork, "report", watched)
    try:
        assert jobs.job_run(job_id=job.pk) == JobStatus.DONE
    finally:
        outside.close()

    # Progress moved while no compound was committed yet.
    assert seen == [(2, 0), (4, 0), (5, 0)]
    assert Estate.objects.count() == 5


def test_with_a_broker_a_job_is_sent_once_its_row_is_committed(
    admin_user, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(jobs.run_job, "delay", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_queue(kind="export", user=admin_user, params={}, total=0)
        # A worker elsewhere could not see the row yet.
        assert sent == []

    assert sent == [Job.objects.get().pk]
