"""axe-core finds no WCAG 2.2 A/AA violation on the main pages, in both
languages and in both modes (DESIGN.md; issue 3, items 9 and 11)."""

import re
from http import HTTPStatus

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The body's class list holds "elder" (whatever other classes it has).
ELDER = re.compile(r"(^|\s)elder(\s|$)")

PAGES = {
    "home": "",
    "estate-list": "estates/",
    "estate": "estates/jiudayuan/",
    "lane": "lanes/haitangshuxiang/",
    "case-study": "case-study/",
    "programmes": "programmes/",
    "programme": "programmes/shuangtaizi/",
    "programme-compounds": "programmes/caidian-2022/compounds/",
    "comparison": "programmes/compare/?p=caidian-2022&p=longsha-2022&p=xingqing-2019",
}
PREFIXES = ("/", "/en/")


# One test per page, four scans each (two languages, two modes): the data load
# per test is what costs, and the message names every variant that fails.
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_violations_in_either_language_or_mode(
    context, elder_context, axe_scan, site, path
):
    failures = []
    for mode, mode_context in (("normal", context), ("elder", elder_context)):
        page = mode_context.new_page()
        for prefix in PREFIXES:
            response = page.goto(prefix + path)
            assert response.status == HTTPStatus.OK, f"{prefix}{path}"
            body = expect(page.locator("body"))
            if mode == "elder":
                body.to_have_class(ELDER)
            else:
                body.not_to_have_class(ELDER)
            violations, report = axe_scan(page)
            if violations:
                failures.append(f"{prefix}{path} in {mode} mode:\n{report}")

    assert failures == [], "\n\n".join(failures)
