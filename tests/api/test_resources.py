"""Every resource answers its list and detail, in both languages."""

from http import HTTPStatus

import pytest

from .resources import RESOURCES, detail_url, make

pytestmark = pytest.mark.django_db

ALL_RESOURCES = list(RESOURCES)


def bilingual(resource: str) -> dict:
    field = RESOURCES[resource][1]
    return {f"{field}_zh_hans": "测试中文名", f"{field}_en": "Test English name"}


@pytest.mark.parametrize("resource", ALL_RESOURCES)
def test_list_answers_in_chinese_by_default(client, resource):
    make(resource, **bilingual(resource))

    response = client.get(f"/api/v1/{resource}/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Language"] == "zh-hans"
    [item] = response.json()["results"]
    assert item[RESOURCES[resource][1]] == "测试中文名"


@pytest.mark.parametrize("resource", ALL_RESOURCES)
def test_list_answers_in_english_by_accept_language(client, resource):
    make(resource, **bilingual(resource))

    response = client.get(f"/api/v1/{resource}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Language"] == "en"
    [item] = response.json()["results"]
    assert item[RESOURCES[resource][1]] == "Test English name"
    assert RESOURCES[resource][1] not in item["fallback"]


@pytest.mark.parametrize("resource", ALL_RESOURCES)
def test_detail_answers_in_english_by_lang_parameter(client, resource):
    record = make(resource, **bilingual(resource))

    response = client.get(detail_url(resource, record) + "?lang=en")

    assert response.status_code == HTTPStatus.OK
    assert response.json()[RESOURCES[resource][1]] == "Test English name"


@pytest.mark.parametrize("resource", ALL_RESOURCES)
def test_detail_answers_in_chinese_by_lang_parameter(client, resource):
    record = make(resource, **bilingual(resource))

    response = client.get(
        detail_url(resource, record) + "?lang=zh-hans", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()[RESOURCES[resource][1]] == "测试中文名"


@pytest.mark.parametrize("resource", ALL_RESOURCES)
def test_lang_all_returns_both_languages(client, resource):
    record = make(resource, **bilingual(resource))

    response = client.get(detail_url(resource, record) + "?lang=all")

    assert response.json()[RESOURCES[resource][1]] == {
        "zh-hans": "测试中文名",
        "en": "Test English name",
    }


@pytest.mark.parametrize("resource", ALL_RESOURCES)
def test_english_falls_back_to_chinese_and_says_so(client, resource):
    field = RESOURCES[resource][1]
    record = make(resource, **{f"{field}_zh_hans": "只有中文", f"{field}_en": ""})

    response = client.get(detail_url(resource, record) + "?lang=en")

    body = response.json()
    assert body[field] == "只有中文"
    assert field in body["fallback"]


@pytest.mark.parametrize("resource", ALL_RESOURCES)
def test_unknown_record_is_json_404(client, resource):
    missing = "no-such-record" if RESOURCES[resource][2] == "slug" else "999999"

    response = client.get(f"/api/v1/{resource}/{missing}/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["code"] == "not_found"


def test_root_lists_every_resource_and_stats(client):
    response = client.get("/api/v1/")

    assert set(response.json()) == {
        *ALL_RESOURCES,
        "programmes",
        "stats",
        "feedback",
        "schema",
        "docs",
    }


def test_unknown_address_under_api_is_json_404(client):
    response = client.get("/api/v1/no-such-resource/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_api_is_read_only(client):
    response = client.post(
        "/api/v1/estates/", {"name": "x"}, content_type="application/json"
    )

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json()["code"] == "method_not_allowed"
