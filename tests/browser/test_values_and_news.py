"""Issue 16, items 5, 6 and 8 in a browser, on a phone, in both languages:
values in one form, news that is news, and the relations the source states."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from estates.models import Estate, Procedure, StepStatus
from estates.services import estate_steps_create, step_set_status
from governance.models import FeedbackCategory
from tests.governance.factories import FeedbackFactory

pytestmark = pytest.mark.browser

WORDS = {
    "/": {
        "reached": "进入新阶段",
        "also": "同获此荣誉：",
        "partner": "锦绣江南",
        "category": "照明",
        "status": "已收到",
        "courtyard": "未公开：资料未说明本小区是否属于某个合小并大院落。",
    },
    "/en/": {
        "reached": "Stage reached",
        "also": "Also named:",
        "partner": "Jinxiu Jiangnan",
        "category": "Lighting",
        "status": "Received",
        "courtyard": "Not disclosed: no source says whether this compound is part "
        "of a merged courtyard.",
    },
}


@pytest.fixture
def stage_reached(site):
    """九大院's first confirmed step, done yesterday: its stage moved."""
    estate = Estate.objects.get(slug="jiudayuan")
    estate_steps_create(
        estate=estate, procedure=Procedure.objects.get(is_default_template=True)
    )
    first = estate.steps.order_by("number").first()
    step_set_status(
        step=first,
        status=StepStatus.DONE,
        done_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    return estate


@pytest.mark.parametrize("prefix", WORDS)
def test_home_news_and_a_compounds_relations_on_a_phone(
    page, stage_reached, shot, prefix
):
    words = WORDS[prefix]
    page.goto(prefix)
    news = page.locator("section[aria-labelledby=news]")
    news.scroll_into_view_if_needed()
    shot(page, "home")
    item = news.locator("ul.news").first.locator("li").first
    expect(item).to_contain_text(words["reached"])
    # The book swap comes every Saturday: its next date, with the weekday.
    coming = news.locator("ul.news").last
    expect(coming.locator("time").first).to_have_attribute(
        "datetime", _next_saturday().isoformat()
    )

    # From the news to the compound, and from it to the one honoured with it.
    item.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text(
        "九大院" if prefix == "/" else "Jiudayuan"
    )
    expect(page.get_by_text(words["courtyard"])).to_be_visible()
    honours = page.locator("section[aria-labelledby=honours-heading]")
    expect(honours).to_contain_text(words["also"])
    shot(page, "compound")
    honours.get_by_role("link", name=words["partner"]).first.click()
    expect(page.locator("h1")).to_contain_text(words["partner"])


@pytest.mark.parametrize("prefix", WORDS)
def test_the_feedback_page_shows_words_not_codes(page, site, shot, prefix):
    words = WORDS[prefix]
    feedback = FeedbackFactory(
        estate=Estate.objects.get(slug="jiudayuan"),
        category=FeedbackCategory.LIGHTING,
    )
    page.goto(f"{prefix}feedback/{feedback.reference}/")
    shot(page, "feedback")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(words["category"])
    expect(facts).to_contain_text(words["status"])
    sent = timezone.localdate(feedback.created_at)
    expected = (
        f"{sent.year}年{sent.month}月{sent.day}日"
        if prefix == "/"
        else f"{sent.day} {sent:%B} {sent.year}"
    )
    expect(facts.locator("time")).to_have_text(expected)


def _next_saturday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(5 - today.weekday()) % 7)
