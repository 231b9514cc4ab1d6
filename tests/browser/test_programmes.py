"""A newcomer adds an eighth programme from the admin alone — its place, a
source, two figures and a case-study section — and it appears on the home
page, in the comparison, the API and the open data (issue 15, "done when")."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from estates.models import City, District, Programme, Province
from tests.browser.staff import desk_page

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-9"
NAME = "测试区第八个改造计划"
ENGLISH_NAME = "The eighth programme (a test)"


@pytest.fixture
def clerk(site):
    """A superuser, and a district no pack has, for the new programme."""
    get_user_model().objects.create_superuser(
        username="newcomer", email="n@example.org", password=PASSWORD
    )
    province = Province.objects.create(name_zh_hans="测试省", slug="ceshisheng")
    city = City.objects.create(province=province, name_zh_hans="测试市", slug="cs")
    District.objects.create(city=city, name_zh_hans="测试区", slug="ceshiqu")
    return site


def choose(page, field: str, text: str) -> None:
    """Pick ``text`` in the admin's autocomplete (select2) for ``field``."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(
        f'.select2-search__field[aria-controls="select2-id_{field}-results"]'
    ).fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_a_newcomer_adds_a_programme_from_the_admin_alone(browser, clerk):
    page = desk_page(browser, clerk.url, "newcomer", PASSWORD, locale="en")

    # The programme, its place and a source; saved before its figures, which
    # name the source.
    page.goto("/admin/estates/programme/add/")
    page.fill("#id_name_zh_hans", NAME)
    page.fill("#id_name_en", ENGLISH_NAME)
    page.fill("#id_short_name_zh_hans", "测试区")
    page.fill("#id_short_name_en", "Test District")
    page.fill("#id_position", "5")
    choose(page, "district", "测试区")
    page.get_by_text("Add another Programme source").click()
    page.fill("#id_sources-0-key", "s1")
    page.fill("#id_sources-0-title_zh_hans", "测试来源：区住建局答复")
    page.fill("#id_sources-0-published_on", "2025-03-01")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Two figures and a case-study section.
    for index, (key, measure, label, value, precision) in enumerate(
        (
            ("compounds", "compounds", "改造小区", "12", "exact"),
            ("households", "households", "惠及户数", "3000", "at_least"),
        )
    ):
        page.get_by_text("Add another Reported figure").click()
        prefix = f"#id_figures-{index}-"
        page.fill(prefix + "key", key)
        page.select_option(prefix + "measure", measure)
        page.fill(prefix + "label_zh_hans", label)
        page.fill(prefix + "value", value)
        page.select_option(prefix + "precision", precision)
        page.select_option(prefix + "source", label="测试来源：区住建局答复")
    page.get_by_text("Add another Case-study section").click()
    page.fill("#id_sections-0-heading_zh_hans", "改造做法")
    page.fill(
        "#id_sections-0-body_zh_hans", "全区共改造[[compounds]]，惠及[[households]]。"
    )
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    programme = Programme.objects.get(name_zh_hans=NAME)
    assert programme.figures.count() == 2
    assert programme.sections.count() == 1

    # The home page leads to it; its case study shows the figures live.
    page.goto("/")
    expect(page.locator(".programme-cards")).to_contain_text(NAME)
    page.goto(f"/programmes/{programme.slug}/case-study/")
    expect(page.locator("main")).to_contain_text("改造做法")
    expect(page.locator("main")).to_contain_text("3000余户")

    # The comparison offers it and lines it up with a real programme.
    page.goto(f"/en/programmes/compare/?p={programme.slug}&p=caidian-2022")
    expect(page.locator(".compare-picker")).to_contain_text("Test District")
    expect(page.locator(".compare-table").first).to_contain_text("3,000+ households")

    # The API and the open data have it.
    response = page.request.get(f"/api/v1/programmes/{programme.slug}/")
    assert response.status == HTTPStatus.OK
    assert {f["key"] for f in response.json()["figures"]} == {
        "compounds",
        "households",
    }
    page.goto("/en/data/")
    expect(page.locator(".data-programmes")).to_contain_text(ENGLISH_NAME)
    page.context.close()
