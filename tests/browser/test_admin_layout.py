"""The admin at a clerk's desk (1280–1920 px) and on a tablet: no admin page
scrolls sideways, and the dashboard's table reads across the screen, each
header in whole words (issue 16, item 11). Wide tables scroll in their own
box."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from estates.models import Estate, Procedure
from estates.services import estate_steps_create
from governance.models import Feedback
from sitewide.models import Job, JobStatus
from tests.browser.layout import WIDER_THAN_SCREEN
from tests.browser.staff import desk_page
from tests.governance.factories import FeedbackFactory
from tests.site.factories import JobFactory

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-9"


# Each header of the dashboard's table: its width and how many lines it takes.
HEADERS = """() => [
  ...document.querySelectorAll('#staff-dashboard thead th')
].map(th => {
  const style = getComputedStyle(th);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3;
  const inner = th.clientHeight - parseFloat(style.paddingTop)
    - parseFloat(style.paddingBottom);
  return {text: th.innerText, width: th.clientWidth, lines: Math.round(inner / line)};
})"""


@pytest.fixture
def desk(browser, site):
    """A superuser's browser at a desk, logged in, with work on the
    dashboard: steps on a compound and feedback waiting."""
    get_user_model().objects.create_superuser(
        username="clerk", email="clerk@example.org", password=PASSWORD
    )
    estate = Estate.objects.get(slug="jiudayuan")
    estate_steps_create(
        estate=estate, procedure=Procedure.objects.get(is_default_template=True)
    )
    JobFactory(user=get_user_model().objects.get(username="clerk"))
    JobFactory(
        user=get_user_model().objects.get(username="clerk"),
        status=JobStatus.FAILED,
        error="导入在执行时被拒绝：未写入任何内容。请修改下列各行后重新上传文件。",
        result={"rejected": [[2, "测试小区", ["所属社区：没有这个社区。"]]] * 3},
    )
    for _ in range(3):
        feedback = FeedbackFactory(estate=estate)
        Feedback.objects.filter(pk=feedback.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=20)
        )
    pages = []

    def open_desk(width: int, language: str):
        cookie = {"name": "django_language", "value": language, "url": site.url}
        page = desk_page(
            browser, site.url, "clerk", PASSWORD, width=width, cookies=[cookie]
        )
        pages.append(page)
        return page

    yield open_desk
    for page in pages:
        page.context.close()


def _admin_pages() -> list[str]:
    """Every model's change list, and the change page of its first record."""
    paths = ["/admin/"]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        try:
            paths.append(reverse("admin:{}_{}_changelist".format(*info)))
        except NoReverseMatch:
            continue
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    # The clerk's jobs' own pages (sitewide/admin.py): done and failed.
    paths.extend(job.get_absolute_url() for job in Job.objects.order_by("pk"))
    return paths


@pytest.mark.parametrize("width", [1280, 1366])
def test_no_admin_page_scrolls_sideways_at_a_desk(desk, shot, width):
    page = desk(width, "zh-hans")
    failures = []
    for path in _admin_pages():
        response = page.goto(path)
        if response.status != 200:
            failures.append(f"{path}: {response.status}")
            continue
        found = page.evaluate(WIDER_THAN_SCREEN)
        if found["scroll"] > found["width"] or found["wide"]:
            failures.append(f"{path} ({width} px): {found}")
    page.goto(reverse("admin:estates_estate_change", args=[_jiudayuan()]))
    shot(page, f"compound-change-{width}")
    page.goto(Job.objects.get(status=JobStatus.FAILED).get_absolute_url())
    shot(page, f"job-failed-{width}")
    assert not failures, "\n".join(failures)


def _jiudayuan() -> int:
    return Estate.objects.get(slug="jiudayuan").pk


@pytest.mark.parametrize("width", [1024, 1280, 1366, 1920])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_dashboard_reads_across_the_screen(desk, shot, width, language):
    page = desk(width, language)
    shot(page, f"dashboard-{language}-{width}")
    headers = page.evaluate(HEADERS)
    assert len(headers) >= 5
    crushed = [h for h in headers if h["width"] < 48 or h["lines"] > 4]
    assert not crushed, crushed
    found = page.evaluate(WIDER_THAN_SCREEN)
    assert found["scroll"] <= found["width"] and not found["wide"], found
    if width >= 1280:
        # At a desk the whole table is in view, no scrolling inside its box.
        box = page.evaluate(
            "() => { const d = document.querySelector('#staff-dashboard');"
            " return [d.scrollWidth, d.clientWidth]; }"
        )
        assert box[0] <= box[1], box
