"""No public page is wider than a phone's screen, in either language or mode:
a page that scrolls sideways hides half of every line from an elderly
resident. A wide table may scroll inside its own box; the page may not."""

import pytest

pytestmark = pytest.mark.browser

PAGES = (
    "",
    "estates/",
    "estates/jiudayuan/",
    "communities/liyanglu-community-not-disclosed/",
    "courtyards/siheyuan/",
    "lanes/",
    "lanes/haitangshuxiang/",
    "events/",
    "governance/",
    "feedback/new/",
    "feedback/new/?q=jiu",
    "feedback/new/?unlisted=1",
    "feedback/new/?estate=jiudayuan",
    "programmes/",
    "programmes/liyanglu/",
    "programmes/liyanglu/case-study/",
    "programmes/shuangtaizi/",
    "programmes/caidian-2022/compounds/",
    "programmes/compare/?p=shuangtaizi&p=xingqing-2019&p=caidian-2022&p=longsha-2022",
    "data/",
    # Answers a resident meets too: a search miss, an unknown reference, an
    # empty comparison, a page that does not exist.
    "estates/?q=qxzqxz",
    "feedback/find/?reference=ZZZZ-ZZZZ",
    "programmes/compare/",
    "governance/?programme=liyanglu",
    "no-such-page/",
)
WIDTHS = (320, 390)

WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) return false;
    // Inside a box that scrolls on its own (a wide table) is fine.
    for (let p = e.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll'].includes(style.overflowX)) return false;
    }
    return true;
  });
  return {
    scroll: document.documentElement.scrollWidth,
    width,
    wide: wide.slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className
      + ' ' + Math.round(e.getBoundingClientRect().right)),
  };
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_public_page_scrolls_sideways_on_a_phone(new_context, site, width):
    failures = []
    for elder in (False, True):
        context = new_context()
        if elder:
            context.add_cookies([{"name": "elder_mode", "value": "1", "url": site.url}])
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 800})
        for prefix in ("/", "/en/"):
            for path in PAGES:
                page.goto(prefix + path)  # a 404 page is a page too
                found = page.evaluate(WIDER_THAN_SCREEN)
                if found["scroll"] > found["width"] or found["wide"]:
                    mode = "elder" if elder else "normal"
                    failures.append(f"{prefix}{path} ({mode}, {width} px): {found}")
    assert not failures, "\n".join(failures)
