"""``/healthz`` (issue 8, item 3): 200 when the database and the configured
cache answer, 503 within a second when either does not."""

import os
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# The timeouts are 0.3–1 s; a hang would be the connect or read timeout of the OS
# (minutes). The bound tells the two apart on a busy machine; it is no speed target.
NOT_A_HANG = 5
REDIS = ("127.0.0.1", 6379)


def redis_cache(location, timeout=0.5):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "renovation-test-health",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def closed_port():
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_port():
    """A local TCP port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


@pytest.fixture
def broken_database(monkeypatch):
    def cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", cursor)


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"database": "ok", "cache": "not configured"}


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


def test_healthz_lies_outside_the_language_prefixes(client):
    response = client.get("/en/healthz")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_healthz_refuses_post(client):
    response = client.post("/healthz")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_healthz_answers_503_without_hanging_when_the_database_fails(
    client, broken_database
):
    response, elapsed = timed_get(client, "/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"database": "unavailable", "cache": "not configured"}
    assert elapsed < NOT_A_HANG


def test_healthz_names_no_error_detail(client, broken_database):
    response = client.get("/healthz")

    assert "refused" not in response.text


def test_healthz_answers_503_without_hanging_when_redis_is_down(
    client, settings, closed_port
):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    settings.CACHES = redis_cache(settings.REDIS_URL)

    response, elapsed = timed_get(client, "/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"database": "ok", "cache": "unavailable"}
    assert elapsed < NOT_A_HANG


def test_healthz_answers_503_without_hanging_when_redis_hangs(
    client, settings, silent_port
):
    settings.REDIS_URL = f"redis://127.0.0.1:{silent_port}/0"
    settings.CACHES = redis_cache(settings.REDIS_URL, timeout=0.3)

    response, elapsed = timed_get(client, "/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert elapsed < NOT_A_HANG


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_healthz_answers_ok_when_redis_answers(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.CACHES = redis_cache(settings.REDIS_URL)

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"database": "ok", "cache": "ok"}


def test_healthz_answers_503_without_hanging_when_postgresql_is_down(closed_port):
    """A real refused connection, not a patched one: a fresh process whose
    DATABASE_URL names a port where no PostgreSQL listens."""
    code = (
        "import django, time; django.setup();"
        "from django.test import Client;"
        "started = time.monotonic();"
        "response = Client().get('/healthz');"
        "print(response.status_code, response.content.decode(),"
        " round(time.monotonic() - started, 3))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}},
        "DJANGO_SETTINGS_MODULE": "renovation_portal.settings",
        "DATABASE_URL": f"postgres://portal@127.0.0.1:{closed_port}/portal",
    }

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    status, rest = line.split(" ", 1)
    body, elapsed = rest.rsplit(" ", 1)
    assert status == "503", result.stdout + result.stderr
    assert '"database": "unavailable"' in body
    assert float(elapsed) < NOT_A_HANG


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_statements_are_time_limited():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (value,) = cursor.fetchone()

    assert value == "20s"
