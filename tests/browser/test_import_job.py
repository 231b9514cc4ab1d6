"""A clerk applies an import and watches it as a job (issue 18, item 5): the
preview, "apply", the job's page with its progress bar reaching done, its
result in Chinese, and the link back to the records; "my jobs" leads back to
it later."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from estates.models import Estate
from sitewide.models import Job, JobStatus
from staff.models import StaffAssignment
from staff.roles import SUBDISTRICT_ADMINISTRATOR, roles_setup
from tests.browser.staff import desk_page

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-9"


@pytest.fixture
def clerk_page(browser, site):
    estate = Estate.objects.get(slug="jiudayuan")
    roles_setup()
    user = get_user_model().objects.create_user(
        username="clerk", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=SUBDISTRICT_ADMINISTRATOR))
    StaffAssignment.objects.create(user=user).subdistricts.add(
        estate.community.subdistrict
    )
    cookie = {"name": "django_language", "value": "zh-hans", "url": site.url}
    page = desk_page(browser, site.url, "clerk", PASSWORD, cookies=[cookie])
    yield page, estate.community
    page.context.close()


def test_a_clerk_applies_an_import_and_follows_the_job_to_done(clerk_page, shot):
    page, community = clerk_page
    rows = ["小区名称,所属社区,户数"] + [
        f"测试任务{n}苑,{community.name_zh_hans},{20 + n}" for n in range(3)
    ]
    page.goto("/admin/estates/import/estates/")
    page.set_input_files(
        "input[type=file]",
        {
            "name": "小区名册.csv",
            "mimeType": "text/csv",
            "buffer": ("\r\n".join(rows) + "\r\n").encode(),
        },
    )
    page.locator("form[enctype] [type=submit]").click()
    expect(page.locator(".import-summary")).to_contain_text("3")
    page.locator("input[name=token] ~ input[type=submit]").click()

    page.wait_for_url("**/admin/sitewide/job/*/progress/")
    expect(page.locator("#job-status")).to_contain_text("已完成")
    expect(page.locator("#job-count")).to_have_text("3 / 3 行")
    expect(page.locator(".job-summary")).to_contain_text("新建3条")
    assert page.locator("progress#job-progress").get_attribute("value") == "3"
    shot(page, "job-done-1366")
    job = Job.objects.get()
    assert job.status == JobStatus.DONE
    assert Estate.objects.filter(name_zh_hans__startswith="测试任务").count() == 3

    page.get_by_role("link", name="返回记录列表").click()
    page.wait_for_url("**/admin/estates/estate/")
    # Later: "my jobs" leads back to the job.
    page.goto("/admin/sitewide/job/")
    shot(page, "my-jobs-1366")
    page.locator(f"a[href='{job.get_absolute_url()}']").first.click()
    expect(page.locator(".job-summary")).to_be_visible()


def test_the_job_page_moves_on_by_itself_when_the_worker_ends_the_job(
    clerk_page, shot, monkeypatch
):
    from sitewide import jobs

    page, community = clerk_page
    queued = []
    # A worker elsewhere takes the job later.
    monkeypatch.setattr(jobs.run_job, "delay", queued.append)
    rows = ["小区名称,所属社区"] + [
        f"测试等待{n}苑,{community.name_zh_hans}" for n in range(2)
    ]
    page.goto("/admin/estates/import/estates/")
    page.set_input_files(
        "input[type=file]",
        {"name": "a.csv", "mimeType": "text/csv", "buffer": "\r\n".join(rows).encode()},
    )
    page.locator("form[enctype] [type=submit]").click()
    page.locator("input[name=token] ~ input[type=submit]").click()
    page.wait_for_url("**/admin/sitewide/job/*/progress/")
    expect(page.locator("#job-status")).to_contain_text("排队中")
    expect(page.locator("#job-count")).to_have_text("0 / 2 行")
    shot(page, "job-queued-1366")

    jobs.job_run(job_id=queued[0])

    # The page's poll sees the end and shows the result without a click.
    expect(page.locator(".job-summary")).to_contain_text("新建2条", timeout=10_000)


def test_a_large_file_is_checked_by_a_job_whose_page_opens_its_preview(
    clerk_page, shot, settings
):
    settings.IMPORT_PREVIEW_JOB_BYTES = 100
    page, community = clerk_page
    rows = ["小区名称,所属社区,户数"] + [
        f"测试大表{n}苑,{community.name_zh_hans},{30 + n}" for n in range(8)
    ]
    page.goto("/admin/estates/import/estates/")
    page.set_input_files(
        "input[type=file]",
        {
            "name": "大名册.csv",
            "mimeType": "text/csv",
            "buffer": ("\r\n".join(rows) + "\r\n").encode(),
        },
    )
    page.locator("form[enctype] [type=submit]").click()

    page.wait_for_url("**/admin/sitewide/job/*/progress/")
    expect(page.locator(".job-summary")).to_contain_text("检查完毕：新建8条")
    shot(page, "job-checked-1366")
    assert not Estate.objects.filter(name_zh_hans__startswith="测试大表").exists()
    page.get_by_role("link", name="打开预览").click()
    expect(page.locator(".import-summary")).to_contain_text("8")
    page.locator("input[name=token] ~ input[type=submit]").click()

    page.wait_for_url("**/admin/sitewide/job/*/progress/")
    expect(page.locator(".job-summary")).to_contain_text("新建8条")
    assert Estate.objects.filter(name_zh_hans__startswith="测试大表").count() == 8
