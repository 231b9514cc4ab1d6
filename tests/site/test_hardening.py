"""What an outside tester broke (issue 22), each as it was tried: hostile JSON,
errors that showed Python, limits while Redis is down, password spraying and
the stock error pages of Django and gunicorn."""

import json
import os
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from governance.models import Feedback, FeedbackPhoto
from renovation_portal import protocol_errors
from tests.estates.factories import EstateFactory
from tests.site.test_outages import redis_down  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

FEEDBACK = "/api/v1/feedback/"


@pytest.fixture
def visitor():
    """A client that gets the answer a browser would, not the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def estate():
    return EstateFactory()


def post_json(client, body: str, language="en"):
    return client.post(
        FEEDBACK, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )


def nested(value, depth: int):
    for _ in range(depth):
        value = [value]
    return value


# --- 1. Deeply nested JSON --------------------------------------------------
def test_a_compound_nested_600_deep_is_a_400_in_json(visitor, estate):
    body = json.dumps({"estate": nested(1, 600), "category": "pipes", "text": "堵了"})

    response = post_json(visitor, body)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "too_deep"
    assert "nested too deeply" in response.json()["detail"]
    assert not Feedback.objects.exists()


def test_a_body_of_100000_opening_brackets_is_a_400_in_json(visitor):
    response = post_json(visitor, "[" * 100_000)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "too_deep"


@pytest.mark.parametrize(
    "language, words", [("en", "not valid JSON"), ("zh-hans", "JSON")]
)
def test_broken_json_says_where_in_the_request_language(visitor, language, words):
    response = post_json(visitor, '{"estate": "x",\n "text": }', language)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    detail = response.json()["detail"]
    assert words in detail
    assert "2" in detail  # the line
    assert "Expecting value" not in detail  # not the decoder's English


def test_a_shallow_nested_value_in_a_one_value_field_is_refused_as_a_list(
    visitor, estate
):
    body = json.dumps(
        {"estate": nested(estate.slug, 5), "category": "pipes", "text": "堵了"}
    )

    response = post_json(visitor, body)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"]["estate"] == [
        "Give one value here, not a list or an object."
    ]


@pytest.mark.parametrize("field", ["estate", "category"])
def test_a_field_that_takes_one_value_refuses_a_list(visitor, estate, field):
    data = {"estate": estate.slug, "category": "pipes", "text": "下水道堵了"}
    data[field] = [data[field]]

    response = post_json(visitor, json.dumps(data))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == {
        field: ["Give one value here, not a list or an object."]
    }
    assert not Feedback.objects.exists()


def test_an_uncaught_fault_under_the_api_is_json(visitor, estate, monkeypatch):
    from governance.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("a fault in the code")

    monkeypatch.setattr(views.services, "feedback_submit", broken)

    response = post_json(
        visitor,
        json.dumps({"estate": estate.slug, "category": "pipes", "text": "堵了"}),
    )

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json()["code"] == "server_error"
    assert "RuntimeError" not in response.text


# --- 3. Error texts that showed Python ----------------------------------------
@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "Item 1: The submitted file is empty."),
        ("zh-hans", "第1项：提交的是空文件。"),
    ],
)
def test_an_empty_photo_is_a_plain_sentence(visitor, estate, language, expected):
    response = visitor.post(
        FEEDBACK,
        {
            "estate": estate.slug,
            "category": "pipes",
            "text": "下水道堵了",
            "photos": [SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg")],
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"]["photos"] == [expected]
    assert not FeedbackPhoto.objects.exists()


@pytest.mark.parametrize(
    "language, message",
    [("en", "This field is required."), ("zh-hans", "该字段是必填项。")],
)
def test_an_empty_compound_is_missing_not_null(visitor, language, message):
    response = post_json(
        visitor,
        json.dumps({"estate": "", "category": "pipes", "text": "下水道堵了"}),
        language,
    )

    assert response.json()["errors"]["estate"] == [message]


def test_an_unknown_compound_is_named_in_a_sentence(visitor):
    response = post_json(
        visitor, json.dumps({"estate": "nowhere", "category": "pipes", "text": "堵了"})
    )

    [message] = response.json()["errors"]["estate"]
    assert message.startswith("No compound has the identifier “nowhere”.")
    assert "slug=" not in message


def test_no_api_error_anywhere_shows_a_python_repr(visitor, estate):
    """Every field given the wrong kind of value at once."""
    body = {
        "estate": {"slug": estate.slug},
        "category": ["pipes"],
        "text": ["x"],
        "name": {"a": 1},
        "phone": [1],
        "consent": [True],
        "photos": ["not a file"],
    }

    response = post_json(visitor, json.dumps(body))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    for messages in response.json()["errors"].values():
        for message in messages:
            assert "ErrorDetail" not in message
            assert "[" not in message and "{" not in message, message


# --- 2. Limits while Redis is down ------------------------------------------
@pytest.mark.usefixtures("redis_down")
def test_feedback_limit_holds_while_redis_is_down(visitor, estate, settings):
    settings.FEEDBACK_RATE_LIMIT = 5
    answers = [
        post_json(
            visitor,
            json.dumps(
                {"estate": estate.slug, "category": "pipes", "text": f"第{n}次"}
            ),
        ).status_code
        for n in range(12)
    ]

    assert answers[:5] == [HTTPStatus.CREATED] * 5
    assert set(answers[5:]) == {HTTPStatus.TOO_MANY_REQUESTS}
    assert Feedback.objects.count() == 5


@pytest.mark.usefixtures("redis_down")
def test_api_throttle_holds_while_redis_is_down(visitor, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "20/minute"},
    }
    answers = [visitor.get("/api/v1/estates/").status_code for _ in range(30)]

    assert answers[:20] == [HTTPStatus.OK] * 20
    assert set(answers[20:]) == {HTTPStatus.TOO_MANY_REQUESTS}


# --- 5. Password spraying ---------------------------------------------------
def login(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_many_user_names_from_one_address_are_slowed(
    client, django_user_model, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_user(
        "clerk", password="right-password-1", is_staff=True
    )

    refused = [login(client, f"guess{n}", "wrong-password").text for n in range(12)]
    right = login(client, "clerk", "right-password-1")

    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    locked = "Too many failed logins from your network"
    assert all(locked not in text for text in refused[:limit])
    assert all(locked in text for text in refused[limit:])
    assert right.status_code == HTTPStatus.OK  # the form again, not logged in
    assert locked in right.text
    assert "_auth_user_id" not in client.session


def test_another_address_still_logs_in(client, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_user(
        "clerk", password="right-password-1", is_staff=True
    )
    for n in range(12):
        login(client, f"guess{n}", "wrong-password")

    response = login(client, "clerk", "right-password-1", address="198.51.100.9")

    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"]


def test_an_office_mistyping_now_and_then_is_not_locked_out(
    client, django_user_model, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for n in range(5):
        django_user_model.objects.create_user(
            f"clerk{n}", password="right-password-1", is_staff=True
        )
    # Five clerks behind one address, each mistyping once before logging in.
    for n in range(5):
        login(client, f"clerk{n}", "typo")
        response = login(client, f"clerk{n}", "right-password-1")
        assert response.status_code == HTTPStatus.FOUND
        client.logout()


# --- 6. The portal's own error pages ------------------------------------------
@pytest.mark.parametrize(
    "prefix, lang, words",
    [("", "zh-Hans", "表单已过期"), ("/en", "en", "The form has expired")],
)
def test_a_refused_form_is_the_portals_page_in_the_visitors_language(
    estate, prefix, lang, words
):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"{prefix}/feedback/new/", {"estate": estate.slug, "text": "x"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert f'<html lang="{lang}"' in response.text
    assert words in response.text
    assert "<style" not in response.text  # the CSP would block it
    assert 'class="site-header"' in response.text  # the site's own layout


def test_a_refused_admin_form_is_an_admin_page_in_chinese():
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("admin:login"),
        {"username": "a", "password": "b"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert 'lang="zh-hans"' in response.text.lower()
    assert "表单已过期" in response.text
    assert 'id="site-name"' in response.text  # the admin's header
    assert "<style" not in response.text


def test_a_refused_api_post_is_json(estate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_user("someone", password="p-1"))

    response = client.post(
        FEEDBACK,
        json.dumps({"estate": estate.slug, "category": "pipes", "text": "堵了"}),
        content_type="application/json",
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response["Content-Type"].startswith("application/json")


def test_the_admin_404_is_an_admin_page_in_chinese(admin_client):
    response = admin_client.get(
        "/admin/estates/estate/999999/change/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert 'id="site-name"' in response.text
    assert "找不到该页面" in response.text


@pytest.mark.parametrize("status", [400, 414, 431, 500])
def test_the_app_servers_own_refusals_are_the_portals_page_in_both_languages(status):
    page = protocol_errors.page(status).decode()

    assert '<html lang="zh-Hans">' in page
    assert '<main lang="en">' in page
    assert "<script" not in page and "<style" not in page and "http" not in page


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def gunicorn_server(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "1",
    }
    env.pop("REDIS_URL", None)
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "deploy/gunicorn.conf.py",
        ],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                raw_request(port, b"GET /healthz HTTP/1.0\r\n\r\n")
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_gunicorn_answers_an_over_long_address_with_the_portals_page(gunicorn_server):
    answer = raw_request(
        gunicorn_server,
        b"GET /" + b"a" * 6000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
    ).decode()

    assert answer.startswith("HTTP/1.1 414 ")
    assert "地址太长" in answer
    assert "The address is too long" in answer
    assert "aaaa" not in answer  # nothing of the request echoed back
