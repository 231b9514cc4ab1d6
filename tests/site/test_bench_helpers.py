"""The benchmark's server-side helpers (renovation_portal/bench.py)."""

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import path

from renovation_portal.bench import floor
from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db

urlpatterns = [path("bench/floor/", floor)]


@pytest.fixture
def timed(settings):
    settings.MIDDLEWARE = [
        "renovation_portal.bench.ServerTimingMiddleware",
        *settings.MIDDLEWARE,
    ]
    return Client()


def timing(response) -> tuple[float, int]:
    match = re.fullmatch(
        r'app;dur=([\d.]+), db;desc="queries";dur=(\d+)', response["Server-Timing"]
    )
    return float(match.group(1)), int(match.group(2))


def test_server_timing_reports_time_and_queries_of_a_page(timed):
    EstateFactory.create_batch(3)
    duration, queries = timing(timed.get("/en/estates/"))
    assert duration > 0
    assert queries >= 1


def test_server_timing_is_off_unless_the_benchmark_turns_it_on(client):
    assert "Server-Timing" not in client.get("/en/")


@pytest.mark.urls(__name__)
def test_floor_view_makes_one_query_and_renders_one_line(timed):
    response = timed.get("/bench/floor/")
    assert response.status_code == HTTPStatus.OK
    assert response.text.strip() == "admin.logentry"
    assert timing(response)[1] == 1


def test_floor_view_is_not_mounted_without_the_benchmark(client):
    assert client.get("/bench/floor/").status_code == HTTPStatus.NOT_FOUND
