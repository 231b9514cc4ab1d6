"""The deployment that scales out (issue 8, item 7): the read-replica router,
Redis sessions, the gunicorn and nginx files, and the README listing every
setting read from the environment."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORTAL_VARIABLES = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "DATABASE_REPLICA_URLS",
    "REDIS_URL",
}


def run_python(code, **env):
    clean = {k: v for k, v in os.environ.items() if k not in PORTAL_VARIABLES}
    clean.update(env, DJANGO_SETTINGS_MODULE="renovation_portal.settings")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


# ------------------------------------------------------------------------------
# Read replica
# ------------------------------------------------------------------------------
# The router itself: tests/site/test_replicas.py.
def test_without_a_replica_url_there_is_no_replica_or_router():
    output = run_python(
        "import renovation_portal.settings as s;"
        "print(sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', []))"
    )

    assert output == "['default'] []"


def test_replica_url_adds_a_replica_that_tests_mirror_to_default():
    output = run_python(
        "import renovation_portal.settings as s;"
        "print(sorted(s.DATABASES), s.DATABASE_ROUTERS,"
        " s.DATABASES['replica']['TEST'])",
        DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
        DATABASE_REPLICA_URL="postgres://portal@127.0.0.1:5433/portal",
    )

    assert output == (
        "['default', 'replica'] ['renovation_portal.db_router.ReplicaRouter'] "
        "{'MIRROR': 'default'}"
    )


def test_replica_gets_the_same_timeouts_as_the_primary():
    output = run_python(
        "import renovation_portal.settings as s;"
        "print(s.DATABASES['replica']['OPTIONS'])",
        DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
        DATABASE_REPLICA_URL="postgres://portal@127.0.0.1:5433/portal",
    )

    assert output == ("{'connect_timeout': 2, 'options': '-c statement_timeout=20000'}")


def test_several_replica_urls_give_an_alias_each():
    output = run_python(
        "import renovation_portal.settings as s;"
        "print(sorted(s.DATABASES), [s.DATABASES[a]['PORT'] for a in"
        " ('replica', 'replica2')], s.DATABASES['replica2']['TEST'])",
        DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
        DATABASE_REPLICA_URLS=(
            "postgres://portal@127.0.0.1:5433/portal,"
            " postgres://portal@127.0.0.1:5434/portal"
        ),
    )

    assert output == (
        "['default', 'replica', 'replica2'] [5433, 5434] {'MIRROR': 'default'}"
    )


def test_the_single_replica_url_joins_the_list_once():
    output = run_python(
        "import renovation_portal.settings as s; print(sorted(s.DATABASES))",
        DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
        DATABASE_REPLICA_URL="postgres://portal@127.0.0.1:5433/portal",
        DATABASE_REPLICA_URLS="postgres://portal@127.0.0.1:5433/portal",
    )

    assert output == "['default', 'replica']"


def test_on_one_server_writes_go_to_default_and_reads_come_from_the_replica(
    tmp_path,
):
    """The replica alias points at the same database file, as a drill on one
    server does: a row written through default is read back through replica."""
    database = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', 'contenttypes', verbosity=0);"
        "from django.contrib.contenttypes.models import ContentType;"
        "from renovation_portal.db_router import reading_from;"
        "kind = ContentType.objects.create(app_label='drill', model='row');"
        "reading = reading_from('replica'); reading.__enter__();"
        "query = ContentType.objects.filter(app_label='drill');"
        "print(kind._state.db, query.db, query.exists())"
    )

    output = run_python(code, DATABASE_URL=database, DATABASE_REPLICA_URL=database)

    assert output == "default replica True"


# ------------------------------------------------------------------------------
# Redis: cache and sessions
# ------------------------------------------------------------------------------
def test_redis_url_keeps_sessions_in_the_database_read_through_the_cache():
    output = run_python(
        "import renovation_portal.settings as s; print(s.SESSION_ENGINE)",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert output == "django.contrib.sessions.backends.cached_db"


def test_without_redis_sessions_stay_in_the_database():
    output = run_python(
        "from django.conf import settings; import django; django.setup();"
        "print(settings.SESSION_ENGINE)"
    )

    assert output == "django.contrib.sessions.backends.db"


def test_redis_cache_gives_up_within_a_second():
    output = run_python(
        "import renovation_portal.settings as s;print(s.CACHES['default']['OPTIONS'])",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert output == "{'socket_connect_timeout': 1.0, 'socket_timeout': 1.0}"


# ------------------------------------------------------------------------------
# gunicorn and nginx
# ------------------------------------------------------------------------------
def gunicorn_config(**env):
    clean = {k: v for k, v in os.environ.items() if k not in PORTAL_VARIABLES}
    clean.update(env)
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            "deploy/gunicorn.conf.py",
            "--print-config",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, flags=re.MULTILINE))


def test_gunicorn_takes_its_workers_and_address_from_the_environment():
    config = gunicorn_config(WEB_CONCURRENCY="3", GUNICORN_BIND="0.0.0.0:9000")

    assert config["workers"] == "3"
    assert config["bind"] == "['0.0.0.0:9000']"


def test_gunicorn_recycles_workers_at_staggered_times():
    config = gunicorn_config()

    assert int(config["max_requests"]) > 0
    assert int(config["max_requests_jitter"]) > 0


def test_gunicorn_waits_longer_than_the_database_statement_limit():
    config = gunicorn_config()

    assert int(config["timeout"]) * 1000 > 20000
    assert config["accesslog"] == "-"
    assert config["wsgi_app"] == "renovation_portal.wsgi:application"


@pytest.fixture(scope="module")
def nginx_media_location():
    text = (ROOT / "deploy" / "nginx.conf.example").read_text()
    return text[text.index("location /media/") : text.index("location = /healthz")]


def test_nginx_sends_media_as_attachments_that_may_not_be_sniffed(
    nginx_media_location,
):
    assert 'add_header Content-Disposition "attachment" always;' in (
        nginx_media_location
    )
    assert 'add_header X-Content-Type-Options "nosniff" always;' in (
        nginx_media_location
    )


def test_nginx_passes_the_client_address_and_scheme():
    text = (ROOT / "deploy" / "nginx.conf.example").read_text()

    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text


# ------------------------------------------------------------------------------
# README
# ------------------------------------------------------------------------------
def environment_variables(path: Path) -> set[str]:
    text = path.read_text()
    return set(
        re.findall(r"(?:os\.environ\.get|env_bool|env_list)\(\s*\"([A-Z_]+)\"", text)
    )


@pytest.mark.parametrize(
    "source",
    ["renovation_portal/settings.py", "deploy/gunicorn.conf.py"],
)
def test_readme_lists_every_environment_variable(source):
    readme = (ROOT / "README.md").read_text()

    missing = {
        name
        for name in environment_variables(ROOT / source)
        if f"`{name}`" not in readme
    }

    assert not missing
