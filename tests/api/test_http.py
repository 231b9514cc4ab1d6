"""HTTP done right: conditional GET, caching, CORS, rate limiting, docs."""

from http import HTTPStatus

import pytest

from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db


def test_list_has_etag_and_cache_control(client):
    EstateFactory()

    response = client.get("/api/v1/estates/")

    assert response["ETag"].startswith('"')
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]


def test_detail_has_last_modified(client):
    estate = EstateFactory()

    response = client.get(f"/api/v1/estates/{estate.slug}/")

    assert response["Last-Modified"].endswith("GMT")


def test_matching_etag_is_304(client):
    estate = EstateFactory()
    first = client.get(f"/api/v1/estates/{estate.slug}/")

    again = client.get(
        f"/api/v1/estates/{estate.slug}/", HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""


def test_changed_record_gets_a_new_etag(client):
    estate = EstateFactory()
    first = client.get("/api/v1/estates/")
    estate.name_zh_hans = "测试改名"
    estate.save()

    again = client.get("/api/v1/estates/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == HTTPStatus.OK


def test_not_modified_since_is_304(client):
    EstateFactory()
    first = client.get("/api/v1/estates/")

    again = client.get(
        "/api/v1/estates/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )

    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_english_and_chinese_answers_have_different_etags(client):
    EstateFactory(name_en="Test Estate")

    chinese = client.get("/api/v1/estates/")
    english = client.get("/api/v1/estates/", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese["ETag"] != english["ETag"]
    assert "Accept-Language" in english["Vary"]


def test_cors_allows_any_origin_to_get(client):
    response = client.get("/api/v1/estates/", HTTP_ORIGIN="https://example.org")

    assert response["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_allows_get_only(client):
    response = client.options(
        "/api/v1/estates/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "POST" not in response["Access-Control-Allow-Methods"]


def test_cors_not_on_site_pages(client):
    response = client.get("/estates/", HTTP_ORIGIN="https://example.org")

    assert "Access-Control-Allow-Origin" not in response


def test_anonymous_clients_are_rate_limited(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"},
    }
    client.get("/api/v1/estates/")
    client.get("/api/v1/estates/")

    response = client.get("/api/v1/estates/")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_docs_page_uses_local_files_only(client):
    response = client.get("/api/docs/")

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "https://" not in page
    assert "http://" not in page


def test_docs_page_links_back_to_the_portal(client):
    response = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en")

    assert 'href="/en/"' in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/v1/councils/a%0Ab/", "/api/v1/x%0A"]
)
def test_unknown_addresses_answer_in_json_even_with_a_newline(client, path):
    response = client.get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("application/json")
