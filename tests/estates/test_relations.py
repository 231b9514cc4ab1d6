"""Relations the source states are shown and linked; where it states none,
the page says so plainly (issue 16, item 8)."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def source_data():
    call_command("load_source_data", verbosity=0)


def test_compounds_honoured_together_link_each_other(client, source_data):
    jiudayuan = client.get("/en/estates/jiudayuan/").text
    jinxiu = client.get("/en/estates/jinxiujiangnan/").text
    assert 'Also named: <a href="/en/estates/jinxiujiangnan/">Jinxiu Jiangnan</a>' in (
        jiudayuan
    )
    assert 'Also named: <a href="/en/estates/jiudayuan/">Jiudayuan</a></small>' in (
        jinxiu
    )
    assert "同获此荣誉：" in client.get("/estates/jiudayuan/").text


def test_no_relation_is_invented_where_the_source_gives_none(client, source_data):
    """The source pairs 九大院 with 四合院 only as showcases: it is not put in
    the courtyard, and the page says the source does not tell."""
    text = client.get("/estates/jiudayuan/").text
    assert "未公开：资料未说明本小区是否属于某个合小并大院落。" in text
    assert (
        'href="/courtyards/siheyuan/"' not in text.split('id="neighbours-heading"')[1]
    )
    lane = client.get("/en/lanes/haitangshuxiang/").text
    assert "Not disclosed: no source names the compounds beside this lane." in lane


def test_an_honour_named_for_many_compounds_lists_a_few(client, source_data):
    from estates.models import Estate, Honour
    from tests.estates.factories import EstateFactory

    honour = Honour.objects.get(estates__slug="jinxiujiangnan")
    community = Estate.objects.get(slug="jiudayuan").community
    honour.estates.add(*EstateFactory.create_batch(20, community=community))
    text = client.get("/en/estates/jiudayuan/").text
    named = text.split("Also named:")[1].split("</li>")[0]
    assert named.count('<a href="/en/estates/') == 5
    assert "and others" in named
