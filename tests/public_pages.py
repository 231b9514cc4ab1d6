"""Every public page a resident or another city's reader can open, as paths
without the language prefix: the phone-width browser test walks them all, and
tests/site/test_public_pages.py fails when a page is added to the URLs but not
here (issue 16, item 3).

A path may name records the test creates itself, in braces: {survey} (the slug
of a compound with an open survey), {reference} (a feedback's reference) and
{subdistrict} / {district} (primary keys of the loaded source data), {follow}
(a follower's secret token) and {ticket} (the signed ticket of an SMS code page).
"""

PAGES = (
    "",
    "estates/",
    "estates/?page=2",
    "estates/?q=qxzqxz",  # a search that finds nothing
    "estates/jiudayuan/",
    "communities/liyanglu-community-not-disclosed/",
    "courtyards/siheyuan/",
    "lanes/",
    "lanes/haitangshuxiang/",
    "events/",
    "events/?programme=liyanglu",
    "governance/",
    "governance/?programme=liyanglu",
    "governance/?find=qxzqxz",  # no programme matches
    "surveys/{survey}/",
    "surveys/{survey}/thanks/",
    # The feedback form, step by step, and its answers.
    "feedback/new/",
    "feedback/new/?q=jiu",
    "feedback/new/?estate=jiudayuan",
    "feedback/new/?unlisted=1",
    "feedback/new/?unlisted=1&district={district}",
    "feedback/new/?unlisted=1&name=测试新村&subdistrict={subdistrict}",
    "feedback/find/?reference=ZZZZ-ZZZZ",  # a reference that is not known
    "feedback/{reference}/",
    # Programmes: a subdistrict's with its full story, a district's, a county's.
    "programmes/",
    "programmes/liyanglu/",
    "programmes/liyanglu/case-study/",
    "programmes/liyanglu/compounds/",
    "programmes/shuangtaizi/",
    "programmes/shuangtaizi/case-study/",
    "programmes/xingqing-2019/",
    "programmes/caidian-2022/compounds/",
    "programmes/compare/",
    "programmes/compare/?p=shuangtaizi&p=xingqing-2019&p=caidian-2022&p=longsha-2022",
    "data/",
    # Following a compound or a programme, confirming, stopping (issue 18).
    "follow/compound/jiudayuan/",
    "follow/programme/liyanglu/",
    "follow/sent/",
    "follow/code/{ticket}/",
    "follow/confirm/{follow}/?secret=x",
    "follow/stop/{follow}/",
    "no-such-page/",  # the 404 page
)

# The pages above that answer 404, as they should.
NOT_FOUND = {"feedback/find/?reference=ZZZZ-ZZZZ", "no-such-page/"}

# Public addresses that answer with something other than a page: a file, a
# redirect, a form's POST target. Each is tested where it is built.
NOT_PAGES = {
    "case-study": "redirects to the first programme's case study",
    "compare-csv": "a CSV file",
    "data-download": "a data file (CSV, JSON, GeoJSON)",
    "event-feed": "an iCalendar file",
    "estate-feed": "an Atom feed of one compound's news",
    "estate-calendar": "an iCalendar file of one compound's dates",
    "elder-mode": "a POST that sets a cookie and goes back",
    "set_language": "a POST that sets a cookie and goes back",
    "healthz": "JSON for load balancers",
    "robots-txt": "a text file",
    "sitemap": "XML for search engines: the index of the sitemaps",
    "sitemap-section": "XML for search engines: one section's sitemap",
}


def follow_placeholders(estate) -> dict:
    """{follow} and {ticket}: an unconfirmed follower of ``estate`` (made in
    the test database) and the signed ticket of its SMS code page."""
    from django.core import signing

    from follows.services import follow_request
    from follows.views import TICKET_SALT

    follow = follow_request(
        estate=estate, channel="email", contact="pages@example.org", language="zh-hans"
    )
    return {
        "follow": follow.token,
        "ticket": signing.dumps(follow.pk, salt=TICKET_SALT),
    }
