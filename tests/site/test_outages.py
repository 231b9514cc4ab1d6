"""What visitors get while PostgreSQL or Redis does not answer (issue 8): a
503 to try again, never a 500 or a traceback; without Redis, the pages and the
feedback API keep working from the database."""

import logging
import socket
from http import HTTPStatus

import pytest
from django.db import OperationalError, connection
from django.test import Client

from governance.models import Feedback
from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    """A client that gets the answer a browser would, not the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down(monkeypatch):
    def cursor(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", cursor)


@pytest.fixture
def redis_down(settings):
    """The cache configured as with REDIS_URL, on a port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "renovation_portal.cache.ResilientRedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_a_page_answers_503_with_retry_after_while_the_database_is_down(
    visitor, database_down
):
    response = visitor.get("/en/estates/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "Retry-After" in response
    assert "Briefly unavailable" in response.text
    assert "Traceback" not in response.text
    assert "refused" not in response.text


def test_the_api_answers_json_503_while_the_database_is_down(visitor, database_down):
    response = visitor.get("/api/v1/estates/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["code"] == "unavailable"


def test_the_operators_log_gets_one_line_per_503_not_a_traceback(
    visitor, database_down, caplog
):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        visitor.get("/en/estates/")

    (record,) = caplog.records
    assert record.getMessage() == (
        "Service Unavailable: /en/estates/ "
        "(OperationalError: could not connect to server: Connection refused)"
    )
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_fault_in_the_code_is_still_logged_with_its_traceback(
    visitor, monkeypatch, caplog
):
    def cursor(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(connection, "cursor", cursor)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        visitor.get("/en/estates/")

    assert "Traceback" in caplog.text
    assert "ZeroDivisionError" in caplog.text


def test_a_fault_in_the_code_is_still_a_500(visitor, monkeypatch):
    def cursor(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(connection, "cursor", cursor)

    response = visitor.get("/en/estates/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR


def test_pages_and_the_api_are_served_while_redis_is_down(visitor, redis_down):
    estate = EstateFactory()

    page = visitor.get(f"/en/estates/{estate.slug}/")
    api = visitor.get("/api/v1/estates/")

    assert page.status_code == HTTPStatus.OK
    assert api.status_code == HTTPStatus.OK


def test_feedback_is_accepted_and_stored_while_redis_is_down(visitor, redis_down):
    estate = EstateFactory()

    response = visitor.post(
        "/api/v1/feedback/",
        {"estate": estate.slug, "category": "pipes", "text": "下水道堵了"},
        content_type="application/json",
    )

    assert response.status_code == HTTPStatus.CREATED
    assert Feedback.objects.get().reference == response.json()["reference"]


def test_healthz_still_reports_redis_down(visitor, redis_down):
    response = visitor.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["cache"] == "unavailable"
