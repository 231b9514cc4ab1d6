"""Every record's ``url`` in a list is its own detail address
(renovation_portal.api.serializers.HyperlinkedIdentityField reverses each
view's address once per answer and puts each record's key into it)."""

import pytest

from tests.api.resources import RESOURCES, detail_url, make
from tests.governance.factories import CouncilFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_each_listed_record_links_to_its_own_detail(client, settings, resource):
    settings.ALLOWED_HOSTS = ["portal.example"]
    first, second = make(resource), make(resource)

    answer = client.get(f"/api/v1/{resource}/", HTTP_HOST="portal.example")

    assert answer.status_code == 200
    links = {row["url"] for row in answer.json()["results"]}
    expected = {
        f"http://portal.example{detail_url(resource, record)}"
        for record in (first, second)
    }
    assert links == expected
    for link in expected:
        detail = client.get(link, HTTP_HOST="portal.example")
        assert detail.status_code == 200, link
        assert detail.json()["url"] == link


def test_a_council_links_to_each_of_its_latest_meetings(client):
    council = CouncilFactory()
    meetings = MeetingFactory.create_batch(2, council=council)

    row = client.get("/api/v1/councils/").json()["results"][0]

    assert row["url"] == f"http://testserver/api/v1/councils/{council.slug}/"
    assert {m["url"] for m in row["latest_meetings"]} == {
        f"http://testserver/api/v1/meetings/{m.pk}/" for m in meetings
    }
