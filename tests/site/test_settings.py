"""Settings read from the environment; production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    """Import the settings module in a fresh interpreter with ``env``; return
    (exit code, output)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}
    }
    clean.update(env)
    code = (
        "import renovation_portal.settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'],"
        " s.DATABASES['default'].get('CONN_HEALTH_CHECKS'),"
        " s.CACHES['default']['BACKEND'], s.ALLOWED_HOSTS, s.TIME_ZONE, s.USE_TZ)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    code, output = load_settings(DEBUG="0")
    assert code != 0
    assert "SECRET_KEY must be set" in output


@pytest.mark.parametrize(
    "key", ["django-insecure-development-only-never-in-production", "short"]
)
def test_production_refuses_development_or_short_secret_key(key):
    code, output = load_settings(DEBUG="0", SECRET_KEY=key)
    assert code != 0
    assert "SECRET_KEY" in output


def test_production_starts_with_a_real_secret_key():
    code, output = load_settings(
        DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example.org"
    )
    assert code == 0, output
    assert output.startswith("False")
    assert "['portal.example.org']" in output


def test_development_defaults_to_sqlite_and_local_memory_cache():
    code, output = load_settings()
    assert code == 0, output
    assert "django.db.backends.sqlite3" in output
    assert "LocMemCache" in output
    assert "Asia/Shanghai True" in output


def test_database_url_selects_postgresql_with_health_checks():
    code, output = load_settings(DATABASE_URL="postgres://u@127.0.0.1:5432/portal")
    assert code == 0, output
    assert "django.db.backends.postgresql True" in output


def test_redis_url_selects_the_redis_cache():
    code, output = load_settings(REDIS_URL="redis://127.0.0.1:6379/1")
    assert code == 0, output
    assert "RedisCache" in output
