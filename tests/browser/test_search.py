"""Find your compound: a resident types the name as they say it on the home
page and opens their compound's page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The initials in both languages; characters and full pinyin in one each.
SEARCHES = [
    pytest.param("", "jdy", "九大院", id="zh-hans-initials"),
    pytest.param("/en", "jdy", "Jiudayuan", id="en-initials"),
    pytest.param("", "九大", "九大院", id="zh-hans-characters"),
    pytest.param("/en", "jiudayuan", "Jiudayuan", id="en-pinyin"),
]


@pytest.mark.parametrize(("prefix", "query", "name"), SEARCHES)
def test_home_search_lists_jiudayuan_first_and_opens_its_page(
    page, site, prefix, name, query
):
    page.goto(f"{prefix}/")
    search = page.get_by_role("search")
    search.get_by_role("searchbox").fill(query)
    search.get_by_role("button").click()

    expect(page).to_have_url(re.compile(rf"^{site.url}{prefix}/estates/\?q="))
    first = page.locator(".estate-rows .estate-row-name").first
    expect(first).to_have_text(name)
    first.click()

    expect(page).to_have_url(f"{site.url}{prefix}/estates/jiudayuan/")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
