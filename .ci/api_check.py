#!/usr/bin/env python3
"""schemathesis against the portal's API: every phase, every check (issue 21).

    python .ci/api_check.py                # a throw-away server of the source data
    python .ci/api_check.py http://127.0.0.1:8000   # a running portal (make run)

Without an address it migrates a throw-away SQLite database, loads the source
data and serves it with gunicorn on a free loopback port, with the API's
throttles relaxed for this server only (the throttles have their own tests,
tests/api/test_http.py). Then it runs ``schemathesis run`` with the settings
of ``schemathesis.toml`` (seed, examples, phases), prints how many test cases
each operation of the schema got, and exits with schemathesis's status — or 1
when an operation got none.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCHEMA_PATH = "/api/schema/"
# Enough for every request the run makes, for this server only.
RELAXED = {
    "API_ANON_RATE": "1000000/minute",
    "FEEDBACK_RATE_LIMIT": "1000000",
    "SURVEY_RATE_LIMIT": "1000000",
}


def say(*parts, **kwargs) -> None:
    print(*parts, **kwargs, flush=True)  # noqa: T201


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch_schema(base: str, timeout: float = 60) -> dict:
    """The schema as JSON, waiting up to ``timeout`` seconds for the server."""
    request = urllib.request.Request(
        base + SCHEMA_PATH, headers={"Accept": "application/vnd.oai.openapi+json"}
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.load(answer)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def cases_per_operation(schema: dict, har_path: Path) -> Counter:
    """Requests sent to each operation of the schema, from the HAR report."""
    operations = []
    for path, methods in schema["paths"].items():
        pattern = re.compile(re.sub(r"\\{\w+\\}", "[^/]+", re.escape(path)) + "$")
        operations += [(method.upper(), path, pattern) for method in methods]
    counts = Counter({f"{method} {path}": 0 for method, path, _ in operations})
    for entry in json.loads(har_path.read_text())["log"]["entries"]:
        method = entry["request"]["method"]
        path = urlsplit(entry["request"]["url"]).path
        for known_method, known_path, pattern in operations:
            if method == known_method and pattern.match(path):
                counts[f"{method} {known_path}"] += 1
                break
    return counts


def by_path(item: tuple[str, int]) -> tuple[str, str]:
    method, path = item[0].split(" ", 1)
    return path, method


def run_schemathesis(base: str, workdir: Path) -> int:
    schema = fetch_schema(base)
    har = workdir / "schemathesis.har"
    command = [
        str(BIN / "schemathesis"),
        "run",
        base + SCHEMA_PATH,
        "--checks",
        "all",
        "--no-color",
        "--report",
        "har",
        "--report-har-path",
        str(har),
    ]
    say("$", " ".join(command))
    status = subprocess.call(command, cwd=ROOT)
    counts = cases_per_operation(schema, har)
    width = max(map(len, counts))
    say("\nTest cases per operation:")
    for operation, count in sorted(counts.items(), key=by_path):
        say(f"  {operation:<{width}}  {count:>6}")
    say(f"  {'total':<{width}}  {sum(counts.values()):>6}")
    untested = [operation for operation, count in counts.items() if not count]
    if untested:
        say("No test case for:", ", ".join(untested))
        return status or 1
    return status


def throwaway_server(workdir: Path) -> tuple[subprocess.Popen, str, Path]:
    """gunicorn serving a fresh SQLite copy of the source data."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'api-check.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
        **RELAXED,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "load_source_data", "-v", "0"], env=env, check=True)
    log = workdir / "server.log"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return server, f"http://127.0.0.1:{port}", log


def main(argv: list[str]) -> int:
    if argv:
        base = argv[0].rstrip("/")
        with tempfile.TemporaryDirectory(prefix="api-check-") as workdir:
            return run_schemathesis(base, Path(workdir))
    workdir = Path(tempfile.mkdtemp(prefix="api-check-"))
    server = None
    try:
        server, base, log = throwaway_server(workdir)
        say(f"Serving the source data at {base} (log: {log})")
        status = run_schemathesis(base, workdir)
        if status:
            say("\nThe server's last lines:\n" + log.read_text()[-4000:])
        return status
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
