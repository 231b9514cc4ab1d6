"""The synthetic-data banner and marks (issue 7)."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.management import call_command

from sitewide.synthetic import synthetic_data_present
from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db

BANNER = "This site contains synthetic test data"
PAGES = ["/en/", "/en/estates/", "/en/lanes/", "/en/programmes/"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The suite primes the answer as "no synthetic data" (tests/conftest.py).
    cache.clear()


@pytest.mark.parametrize("path", PAGES)
def test_no_banner_while_the_data_is_all_real(client, path):
    EstateFactory()
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert BANNER not in response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_shows_the_banner_when_synthetic_data_exists(client, path):
    EstateFactory(is_synthetic=True)
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert BANNER in response.content.decode()


def test_the_banner_is_shown_in_chinese_too(client):
    EstateFactory(is_synthetic=True)
    chinese = client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert 'class="synthetic-banner"' in chinese
    assert 'class="synthetic-banner"' in english


def test_whether_synthetic_data_exists_is_looked_up_once_then_cached(
    django_assert_num_queries,
):
    EstateFactory(is_synthetic=True)
    with django_assert_num_queries(1):
        assert synthetic_data_present()
    with django_assert_num_queries(0):
        assert synthetic_data_present()


def test_the_banner_goes_at_once_when_synthetic_data_is_removed(client):
    EstateFactory(is_synthetic=True)
    assert BANNER in client.get("/en/").content.decode()
    call_command("remove_synthetic", verbosity=0)
    assert BANNER not in client.get("/en/").content.decode()


def test_a_synthetic_compound_says_so_on_its_page(client):
    estate = EstateFactory(is_synthetic=True)
    text = client.get(f"/en{estate.get_absolute_url()}").content.decode()
    assert "Synthetic test record: this compound does not exist." in text


def test_a_real_compound_carries_no_synthetic_mark(client):
    estate = EstateFactory()
    text = client.get(f"/en{estate.get_absolute_url()}").content.decode()
    assert "Synthetic test record" not in text


def test_the_api_says_whether_a_compound_is_synthetic(client):
    real = EstateFactory()
    synthetic = EstateFactory(is_synthetic=True)
    listed = {
        row["slug"]: row["is_synthetic"]
        for row in client.get("/api/v1/estates/").json()["results"]
    }
    assert listed == {real.slug: False, synthetic.slug: True}
    detail = client.get(f"/api/v1/estates/{synthetic.slug}/").json()
    assert detail["is_synthetic"] is True
