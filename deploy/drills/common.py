"""What the three drills share: the drill database, the portal's environment,
starting and stopping gunicorn, and a small HTTP client.

The drills run the portal as production does (``DEBUG=0``, gunicorn with
``deploy/gunicorn.conf.py``, PostgreSQL, Redis when it answers) on loopback.
They send ``X-Forwarded-Proto: https`` as the nginx example does, so the
HTTPS redirect and secure cookies stay as in production.

Environment (all optional):
  DRILL_DATABASE_URL  the drill database, created when missing
                      (default postgres://postgres@127.0.0.1:5432/drills_portal)
  DRILL_REDIS_URL     Redis for the cache (default redis://127.0.0.1:6379/7,
                      used only when it answers; "none" runs without Redis)
  DRILL_STATE_DIR     where the drill keeps its media folder and logs
                      (default /tmp/portal-drills)
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
GUNICORN = str(VENV_BIN / "gunicorn")

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/drills_portal"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
STATE_DIR = Path(os.environ.get("DRILL_STATE_DIR", "/tmp/portal-drills"))
MEDIA_ROOT = STATE_DIR / "media"
# Headers nginx would add (deploy/nginx.conf.example).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def verdict(name: str, failures: list[str]) -> int:
    """Print the failures and the closing PASS/FAIL line; the exit status."""
    for failure in failures:
        say(f"  failure: {failure}")
    if failures:
        say(f"FAIL {name}: {len(failures)} check(s) failed")
        return 1
    say(f"PASS {name}")
    return 0


# ------------------------------------------------------------------------------
# PostgreSQL
# ------------------------------------------------------------------------------
def database_url() -> str:
    return os.environ.get("DRILL_DATABASE_URL", DEFAULT_DATABASE_URL)


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def libpq_url(url: str) -> str:
    """psql and pg_dump want postgresql://; dj-database-url takes both."""
    return "postgresql://" + url.split("://", 1)[1]


def psql(url: str, sql: str, *, database: str | None = None) -> str:
    target = with_database(url, database) if database else url
    result = subprocess.run(
        ["psql", libpq_url(target), "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def create_database(url: str) -> bool:
    """Create the database of ``url`` unless it exists; True when created."""
    name = database_name(url)
    exists = psql(
        url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'", database="postgres"
    )
    if exists:
        return False
    psql(url, f'CREATE DATABASE "{name}"', database="postgres")
    return True


def drop_database(url: str) -> None:
    psql(url, f'DROP DATABASE IF EXISTS "{database_name(url)}"', database="postgres")


# ------------------------------------------------------------------------------
# The portal's environment and its commands
# ------------------------------------------------------------------------------
def redis_url() -> str:
    """The drill's Redis URL when Redis answers a PING, else ""."""
    url = os.environ.get("DRILL_REDIS_URL", DEFAULT_REDIS_URL)
    if url.lower() in {"", "none", "0"}:
        return ""
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1
        ) as sock:
            sock.sendall(b"PING\r\n")
            answer = sock.recv(64)
    except OSError:
        return ""
    return url if answer.startswith(b"+PONG") else ""


def portal_env(*, database: str, redis: str, static_root: Path, **extra) -> dict:
    """Production settings for a loopback drill. The per-address limits are
    raised through their settings: every drill request comes from 127.0.0.1."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database,
        REDIS_URL=redis,
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(MEDIA_ROOT),
        FEEDBACK_RATE_LIMIT="100000000",
        API_ANON_RATE="100000000/minute",
        NUM_PROXIES="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=900
    )


def prepare_database(env: dict) -> None:
    """Migrate and load the Liyang Road source data (both are idempotent)."""
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_source_data", "--verbosity", "0")


def collectstatic(env: dict) -> None:
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Portal:
    """gunicorn with deploy/gunicorn.conf.py, on loopback."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_portal(env: dict, workdir: Path, *, workers: int | None = None) -> Portal:
    port = free_port()
    log_path = workdir / "gunicorn.log"
    env = dict(env)
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    # The access log would cost the drill's CPU; errors still go to the log.
    env["GUNICORN_ACCESS_LOG"] = str(workdir / "access.log")
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    log = log_path.open("w")
    process = subprocess.Popen(
        [GUNICORN, "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    portal = Portal(process=process, port=port, log_path=log_path)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = portal.log_text()[-3000:]
                raise RuntimeError(f"gunicorn exited early:\n{log}")
            answer = request(portal.base, "GET", "/healthz", timeout=2)
            if answer.status == 200:
                return portal
            time.sleep(0.5)
        raise RuntimeError(f"/healthz did not answer 200 within 60 s:\n{answer}")
    except BaseException:
        # Also on SIGTERM while waiting: the caller has no portal to stop yet.
        portal.stop()
        raise


def workdir() -> Path:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="run-", dir=STATE_DIR))


# ------------------------------------------------------------------------------
# HTTP
# ------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    body: bytes
    seconds: float
    error: str = ""
    # "hit" when the page cache answered (renovation_portal/page_cache.py).
    page_cache: str = ""

    def json(self):
        return json.loads(self.body)


def request(
    base: str,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 5,
) -> Answer:
    """One request on a fresh connection; never raises for network trouble."""
    parts = urllib.parse.urlsplit(base)
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(
            method,
            path,
            body=body,
            headers={**PROXY_HEADERS, "Connection": "close", **(headers or {})},
        )
        response = connection.getresponse()
        data = response.read()
        return Answer(
            response.status,
            data,
            time.monotonic() - started,
            page_cache=response.getheader("X-Page-Cache", ""),
        )
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, b"", time.monotonic() - started, type(error).__name__)
    finally:
        connection.close()


def feedback_body(estate_slug: str, text: str) -> bytes:
    """A feedback POST as tests/governance/test_feedback_api.py sends it."""
    body = {"estate": estate_slug, "category": "other", "text": text}
    return json.dumps(body).encode()


def pick_targets(base: str) -> dict:
    """An estate and a lane that exist, read through the public API."""
    estates = request(base, "GET", "/api/v1/estates/?page_size=5", timeout=10).json()
    lanes = request(base, "GET", "/api/v1/lanes/", timeout=10).json()
    estate = estates["results"][0]
    lane = lanes["results"][0]
    return {"estate": estate["slug"], "lane": lane["slug"]}


def run(name: str, main) -> None:
    """Run a drill's main(); any crash still ends in a FAIL line and exit 1."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        status = main()
    except SystemExit as stop:  # SIGTERM, after main()'s clean-up ran
        status = verdict(name, [f"stopped by a signal ({stop.code})"])
    except (Exception, KeyboardInterrupt) as error:
        traceback.print_exc()
        status = verdict(name, [f"the drill itself stopped: {error!r}"])
    sys.exit(status)
