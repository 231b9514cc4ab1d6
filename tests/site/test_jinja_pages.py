"""The pages Jinja2 renders (issue 17, item 2) look and read like the others.

A compound's page is a Jinja2 template (jinja_templates/); every other page is
Django's. Its frame (head, header, footer) is a copy of templates/base.html,
so a change to one must reach the other; its texts come from the same
catalogues; its dates are local, as Django's templates write them.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from sitewide.synthetic import PRESENT_CACHE_KEY
from tests.estates.factories import EstateFactory, NoticeFactory

pytestmark = pytest.mark.django_db


def _frame(html: str, path: str) -> str:
    """The page less its own content: what base.html draws around it, with
    the page's own address, title and description taken out."""
    head = re.search(r"<head>.*</head>", html, re.S)[0]
    head = re.sub(r"<title>.*?</title>", "", head, flags=re.S)
    head = re.sub(r'<meta name="description" content="[^"]*">', "", head)
    header = re.search(r'<header class="site-header".*?</header>', html, re.S)[0]
    footer = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S)[0]
    body = re.search(r"<body[^>]*>", html)[0]
    banner = re.search(r'<div class="synthetic-banner".*?</div>', html, re.S)
    frame = "\n".join([head, body, header, footer, banner[0] if banner else ""])
    frame = frame.replace(path.removeprefix("/en"), "PATH")
    # Which section is current depends on the page (the community page is not
    # under /estates/); that the compound's page marks its own is tested apart.
    frame = re.sub(r'(<a href="[^"]*") aria-current="(page|true)"', r"\1", frame)
    frame = frame.replace("&#39;", "&#x27;")
    return re.sub(r"\s+", " ", frame)


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("elder", ["0", "1"])
@pytest.mark.parametrize("synthetic", [False, True])
def test_a_compound_page_has_the_frame_of_every_other_page(
    client, prefix, elder, synthetic
):
    estate = EstateFactory()
    cache.set(PRESENT_CACHE_KEY, synthetic)
    client.cookies["elder_mode"] = elder
    jinja_path = f"{prefix}{estate.get_absolute_url()}"
    # The community page: Django's templates, the same section of the site.
    django_path = f"{prefix}{estate.community.get_absolute_url()}"

    jinja_page = client.get(jinja_path).content.decode()
    django_page = client.get(django_path).content.decode()

    assert _frame(jinja_page, jinja_path) == _frame(django_page, django_path)
    assert ('class="elder"' in jinja_page) is (elder == "1")
    assert ("synthetic-banner" in jinja_page) is synthetic
    assert f'<a href="{prefix}/estates/" aria-current="true">' in jinja_page


def test_a_notice_is_dated_in_local_time(client, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    estate = EstateFactory()
    NoticeFactory(
        estate=estate,
        starts_at=timezone.now().replace(hour=0, minute=30)
        + datetime.timedelta(days=1),
    )
    notice = estate.notices.get()
    local = timezone.localtime(notice.starts_at)

    page = client.get(f"/en/estates/{estate.slug}/").content.decode()

    assert f'datetime="{local.isoformat()}"' in page
    assert local.strftime("%H:%M") in page


def test_each_language_gets_its_own_words_for_undisclosed_figures(client):
    """Jinja2 runs a filter of a constant once, when it compiles; the
    language of the first visitor must not stick."""
    estate = EstateFactory(address_zh_hans="", year_built=None)

    path = estate.get_absolute_url()
    chinese = client.get(path).content.decode()
    english = client.get(f"/en{path}").content.decode()
    chinese_again = client.get(path).content.decode()

    assert "未公开" in chinese
    assert "未公开" in chinese_again
    assert "not disclosed" in english
    assert "未公开" not in english
