"""The portal's benchmark (issue 7): ``make bench`` and ``make bench-smoke``.

Against PostgreSQL (``DATABASE_URL``, default the database ``portal_bench`` on
127.0.0.1, created when missing), it loads the scale data if absent, starts
gunicorn on loopback with ``deploy/gunicorn.conf.py`` and ``BENCH=1`` (which
adds a ``Server-Timing`` header with each response's time in Django and its
query count, and mounts the framework-floor view), then measures, in one run:

- server-side p50/p95 latency, queries and size of a page or answer of every
  public URL pattern (``endpoints()``; ``tests/site/test_bench_coverage.py``
  fails when a pattern is missing), with the page cache off (what a first
  visit, a search or a logged-in user costs): a page or API answer over
  200 KB misses, whatever its time (issue 17, item 4);
- throughput (wrk) of the estate page against two references on the same
  server: a minimal Django view (one query, a one-line template; the floor)
  and a static file served by WhiteNoise (the ceiling); then, with the page
  cache on, the cached estate and home pages against the ceiling again;
- the mixed run (issue 17, item 3; ``bench/mixed.py``), on a server with the
  page cache on: anonymous visits spread over every compound by a Zipf law,
  with searches, programme pages, home and lanes among them, in both languages
  and some in elder mode, while a clerk saves one compound a second and
  residents send one feedback a second. It reports throughput against the
  floor measured on that server just before, p50/p95, the page cache's hit
  ratio, whether every edit showed on the next request for its page, and the
  feedback accepted (``--no-mixed`` leaves it out, ``--mixed-only`` runs it
  alone);
- gunicorn workers' resident memory after the load, and whether another equal
  load made it grow;
- the staff pages a clerk works in (a compound's change page with its full
  step list, its step checklist), signed in, with their own target;
- the memory of streaming the whole estates CSV, in a separate process;
- the spreadsheet import of 250,000 compounds (preview, then apply), its time
  and peak memory, in a separate process (``bench/import_bench.py``).

It prints a table with each figure beside its target and writes the same
figures to ``bench/results/<UTC date and time>.json`` and ``.md``. BENCHMARKS.md
explains the method. Standard library only, plus the portal's own venv and wrk.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

import fanout_bench  # bench/fanout_bench.py, beside this script
import import_bench  # bench/import_bench.py, beside this script
import mixed  # bench/mixed.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

# Targets of issue 7 ("Targets").
PAGE_P95_MS = 50
FAST_P95_MS = 25  # estate page and estate search
# Issue 17, item 2 ("a fast miss"): a compound's page and its API answer
# rendered without any cache.
MISS_P95_MS = 12
MISS_FLOOR_RATIO = 0.3
MAX_QUERIES = 10
# Issue 17, item 4: no public page or API answer grows with the country.
PAGE_MAX_BYTES = 200 * 1024
ADMIN_P95_MS = 300  # issue 16, item 13: a compound's change page, full step list
FLOOR_RATIO = 0.5
CEILING_RATIO = 0.8
RSS_LIMIT_MB = 200
RSS_GROWTH_MB = 5  # more than this between two equal loads counts as growing
CSV_GROWTH_MB = 20  # streaming all rows may not take more than this over 10 %
# sitewide.sitemaps.CompoundSitemap.limit (tests/site/test_sitemap.py checks).
SITEMAP_COMPOUNDS_PER_PAGE = 200


@dataclass
class Row:
    """One line of the results table."""

    name: str
    figure: str
    target: str
    verdict: str  # PASS, MISS or "" (for information)
    note: str = ""
    data: dict = field(default_factory=dict)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)  # noqa: T201


# ------------------------------------------------------------------------------
# The database and its data
# ------------------------------------------------------------------------------
def manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=check,
        text=True,
        capture_output=True,
    )


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            log(f"Creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def query_one(url: str, sql: str, params=()):
    rows = query_all(url, sql, params)
    return rows[0] if rows else None


def query_all(url: str, sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


GENERATION_SECONDS = 600  # issue 7: 250,000 compounds with steps in under 10 min


def load_data(env: dict, url: str, estates: int) -> tuple[int, float | None]:
    """Migrate, load the source data and make the scale data if it is missing.

    Returns the number of compounds and the seconds spent generating them
    (None when the database already held enough)."""
    log("Migrating")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_source_data", "--verbosity", "0")
    have = query_one(url, "SELECT count(*) FROM estates_estate")[0]
    generated = None
    if have < estates:
        if manage(env, "help", "generate_synthetic", check=False).returncode:
            sys.exit(
                "generate_synthetic is not available: the scale data cannot be made."
            )
        log(f"Generating {estates} synthetic compounds (this can take minutes)")
        started = time.monotonic()
        manage(env, "generate_synthetic", "--estates", str(estates))
        generated = time.monotonic() - started
        log(f"  done in {generated:.0f} s")
    manage(
        env,
        "shell",
        "-c",
        "from django.db import connection as c; c.cursor().execute('ANALYZE')",
    )
    return query_one(url, "SELECT count(*) FROM estates_estate")[0], generated


def generation_row(estates: int, seconds: float | None) -> Row:
    name = f"generation of {estates:,} synthetic compounds"
    target = f"< {GENERATION_SECONDS // 60} min for 250,000 with their steps"
    if seconds is None:
        return Row(
            name,
            "not made in this run: the database already held them",
            target,
            "",
            "drop the database to measure it",
        )
    judged = estates >= 250_000  # a smaller run is mostly fixed costs
    return Row(
        name,
        f"{seconds // 60:.0f} min {seconds % 60:.0f} s",
        target,
        verdict(seconds < GENERATION_SECONDS) if judged else "",
        "manage.py generate_synthetic, run by this benchmark"
        + ("" if judged else "; judged only at 250,000"),
        {"seconds": round(seconds, 1)},
    )


def pick_targets(url: str) -> dict:
    """An estate in the middle of the register, its search keys, and a lane."""
    total = query_one(url, "SELECT count(*) FROM estates_estate")[0]
    pk, slug, name, pinyin, initials = query_one(
        url,
        "SELECT id, slug, name_zh_hans, search_pinyin, search_initials "
        "FROM estates_estate ORDER BY id OFFSET %s LIMIT 1",
        [total // 2],
    )
    lane = query_one(url, "SELECT slug FROM lanes_lane ORDER BY id LIMIT 1")
    first = lambda keys: keys.strip("|").split("|")[0]  # noqa: E731
    programmes = query_one(url, "SELECT count(*) FROM estates_programme")[0]
    # A programme in the middle (a synthetic one at scale, with its hundred
    # compounds), the first real one (with a case study), and six to compare.
    programme = query_one(
        url,
        "SELECT slug FROM estates_programme ORDER BY id OFFSET %s LIMIT 1",
        [programmes // 2],
    )
    real = query_one(
        url,
        "SELECT slug FROM estates_programme WHERE NOT is_synthetic "
        "ORDER BY position, id LIMIT 1",
    )
    compared = [
        row[0]
        for row in query_all(
            url,
            "SELECT slug FROM estates_programme ORDER BY id OFFSET %s LIMIT 6",
            [max(0, programmes // 2 - 3)],
        )
    ]
    steps = query_one(
        url, "SELECT count(*) FROM estates_step WHERE estate_id = %s", [pk]
    )[0]

    def first_of(sql: str, default=None):
        row = query_one(url, sql)
        return row[0] if row else default

    today = datetime.date.today()
    # The sitemap's last page of compounds, the deepest one (issue 17, item 5).
    last_id = query_one(url, "SELECT max(id) FROM estates_estate")[0] or 1
    # The map's views are centred on a located compound (issue 19).
    located = query_one(
        url,
        "SELECT latitude, longitude FROM estates_estate "
        "WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND id >= %s "
        "ORDER BY id LIMIT 1",
        [pk],
    )
    return {
        "map_centre": [float(v) for v in located] if located else None,
        **other_targets(first_of, pk, today),
        "estate_pk": pk,
        "estate_steps": steps,
        "estate_slug": slug,
        "hanzi": name[:2],
        "pinyin": first(pinyin),
        "initials": first(initials)[:3],
        "miss": "qxzqxz",
        "lane_slug": lane[0] if lane else None,
        "programme_slug": programme[0] if programme else None,
        "real_programme_slug": real[0] if real else None,
        "compared": compared,
        "sitemap_last_page": (last_id - 1) // SITEMAP_COMPOUNDS_PER_PAGE + 1,
    }


def other_targets(first_of, estate_pk: int, today: datetime.date) -> dict:
    """A record of each kind that has a public page or API answer: the
    estate's community, and the first of every other kind (None when the
    database holds none: its address is then measured as a 404)."""
    return {
        "community_slug": first_of(
            "SELECT c.slug FROM estates_community c JOIN estates_estate e "
            f"ON e.community_id = c.id WHERE e.id = {int(estate_pk)}"
        ),
        "courtyard_slug": first_of(
            "SELECT slug FROM estates_mergedcourtyard ORDER BY id LIMIT 1"
        ),
        "facility_slug": first_of(
            "SELECT slug FROM estates_facility ORDER BY id LIMIT 1"
        ),
        "notice_pk": first_of("SELECT id FROM estates_notice ORDER BY id LIMIT 1"),
        "event_slug": first_of("SELECT slug FROM lanes_event ORDER BY id LIMIT 1"),
        "council_slug": first_of(
            "SELECT slug FROM governance_council ORDER BY id LIMIT 1"
        ),
        "meeting_pk": first_of("SELECT id FROM governance_meeting ORDER BY id LIMIT 1"),
        "organisation_slug": first_of(
            "SELECT slug FROM governance_organisation ORDER BY id LIMIT 1"
        ),
        "reference": first_of(
            "SELECT reference FROM governance_feedback ORDER BY id LIMIT 1"
        ),
        # A compound whose survey is open today, if any.
        "survey_slug": first_of(
            "SELECT e.slug FROM governance_survey s JOIN estates_estate e "
            f"ON s.estate_id = e.id WHERE s.opens_on <= '{today.isoformat()}' "
            f"AND (s.closes_on IS NULL OR s.closes_on >= '{today.isoformat()}') "
            "ORDER BY s.id LIMIT 1"
        ),
    }


# ------------------------------------------------------------------------------
# The server
# ------------------------------------------------------------------------------
class Server:
    def __init__(self, env: dict, port: int, page_cache: bool):
        self.port = port
        self.env = {
            **env,
            "PAGE_CACHE_SECONDS": "600" if page_cache else "0",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "GUNICORN_LOG_LEVEL": "warning",
            # No recycling during the run, so memory growth would show.
            "GUNICORN_MAX_REQUESTS": "0",
        }
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = get(self.port, "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__()
        sys.exit("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def workers(self) -> list[int]:
        master = self.process.pid
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(stat.parent.name))
        return pids

    def memory(self) -> dict:
        """Each worker's resident and peak resident memory, in MB."""
        rss, peak = [], []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
            peak.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
        return {"rss_mb": rss, "peak_mb": peak}


def get(port: int, path: str, conn=None, headers=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body
    finally:
        if own:
            conn.close()


SERVER_TIMING = re.compile(r'app;dur=([\d.]+), db;desc="queries";dur=(\d+)')


def latency(port: int, path: str, requests: int, budget: float, headers=None) -> dict:
    """Sequential requests on one kept-alive connection, as a browser makes
    them: server time and queries from Server-Timing, loopback time too.
    Stops early, after at least 5 requests, when ``budget`` seconds are spent
    (a multi-megabyte feed can take seconds per request)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    server, client, queries, statuses = [], [], set(), set()
    for _ in range(3):  # warm up
        get(port, path, conn, headers)
    deadline = time.monotonic() + budget
    for done in range(requests):
        if done >= 5 and time.monotonic() > deadline:
            break
        started = time.perf_counter()
        status, answer, _body = get(port, path, conn, headers)
        client.append((time.perf_counter() - started) * 1000)
        statuses.add(status)
        match = SERVER_TIMING.search(answer.get("Server-Timing", ""))
        if match:
            server.append(float(match.group(1)))
            queries.add(int(match.group(2)))
    conn.close()
    return {
        "path": path,
        "status": sorted(statuses),
        "p50_ms": percentile(server, 50),
        "p95_ms": percentile(server, 95),
        "client_p50_ms": percentile(client, 50),
        "client_p95_ms": percentile(client, 95),
        "queries": sorted(queries),
        "requests": len(client),
        "bytes": len(_body),
    }


# A signed-in staff member for the admin's pages: a superuser of the bench
# database with a session made directly (no login form, no password), printed
# as "cookie-name=key". Removed again after the phase.
STAFF_SESSION = """
import django
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
user, _ = get_user_model().objects.get_or_create(username="bench-clerk")
user.is_staff = user.is_superuser = True
user.set_unusable_password()
user.save()
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
"""
STAFF_GONE = """
import django
django.setup()
from django.contrib.auth import get_user_model
get_user_model().objects.filter(username="bench-clerk").delete()
"""


def staff_cookie(env: dict) -> str:
    done = subprocess.run(
        [PYTHON, "-c", STAFF_SESSION],
        env={**env, "DJANGO_SETTINGS_MODULE": "renovation_portal.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout.strip().splitlines()[-1]


def staff_pages(t: dict) -> list[tuple[str, str]]:
    pk = t["estate_pk"]
    return [
        (
            f"admin: compound change page ({t['estate_steps']} steps)",
            f"/admin/estates/estate/{pk}/change/",
        ),
        ("admin: step checklist", f"/admin/estates/estate/{pk}/checklist/"),
    ]


def percentile(values: list[float], p: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[p - 1], 2)


def wrk(port: int, path: str, seconds: int, connections: int) -> float:
    """Requests per second wrk reaches on ``path`` (2 threads)."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            f"http://127.0.0.1:{port}{path}",
        ],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        log(f"  wrk {path}: {errors.group(1)} non-2xx answers")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def static_path(port: int) -> str:
    """The stylesheet's URL as the home page links it (hashed by WhiteNoise)."""
    _status, _headers, body = get(port, "/")
    return re.search(rb'href="(/static/css/site[^"]*\.css)"', body).group(1).decode()


# ------------------------------------------------------------------------------
# The CSV export's memory, in a process of its own
# ------------------------------------------------------------------------------
CSV_PROBE = """
import resource, time, django
django.setup()
from sitewide.data.datasets import DATASETS
from sitewide.data.views import as_csv
from django.db import connection
total = DATASETS["estates"].records(None).count()
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
base = rss(); at_tenth = None; rows = -1; size = 0
started = time.monotonic()
for line in as_csv(DATASETS["estates"]):
    rows += 1; size += len(line.encode())
    if at_tenth is None and rows >= total // 10:
        at_tenth = rss()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(base, at_tenth or rss(), rss(), peak, rows, size, time.monotonic() - started)
"""


def csv_memory(env: dict) -> dict:
    out = subprocess.run(
        [PYTHON, "-c", CSV_PROBE],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "renovation_portal.settings"},
        check=True,
        text=True,
        capture_output=True,
    ).stdout.split()
    base, tenth, end, peak, rows, size, seconds = map(float, out)
    return {
        "base_mb": round(base, 1),
        "after_tenth_mb": round(tenth, 1),
        "after_all_mb": round(end, 1),
        "peak_mb": round(peak, 1),
        "rows": int(rows),
        "size_mb": round(size / 1e6, 1),
        "seconds": round(seconds, 1),
    }


# ------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_up(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), 1):
            return True
    except OSError:
        return False


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


@dataclass(frozen=True)
class Endpoint:
    """One address the benchmark measures, with what it must answer.

    ``sized``: judged against PAGE_MAX_BYTES (every HTML page and API answer;
    not a calendar or a CSV file)."""

    name: str
    path: str
    target: int = PAGE_P95_MS
    status: int = 200
    sized: bool = True


# Public URL patterns the benchmark does not measure, and why;
# tests/site/test_bench_coverage.py fails on any other public pattern that no
# Endpoint below reaches. A new public page is added to endpoints() (or here,
# with its reason).
NOT_MEASURED = {
    "data-download": "open-data downloads stream every row (memory measured apart)",
    "api:schema": "the API's schema: fixed size, whatever the data",
    "api:feedback-create": "a POST (a resident's feedback)",
    "elder-mode": "a POST that sets a cookie",
    "set_language": "a POST that sets a cookie",
    "follows:sent": "a fixed page of text after asking to follow",
    "follows:code": "needs a signed ticket made by a follow request",
    "follows:confirm": "needs a follower's secret token",
    "follows:manage": "needs a follower's secret token (one follower's page)",
}

# Targets with every key pick_targets() gives, for tests that build the list
# without a database.
EXAMPLE_TARGETS = {
    "sitemap_last_page": 1,
    "estate_pk": 1,
    "estate_steps": 32,
    "estate_slug": "example",
    "hanzi": "示例",
    "pinyin": "shili",
    "initials": "sl",
    "miss": "qxzqxz",
    "lane_slug": "example",
    "programme_slug": "example",
    "real_programme_slug": "example",
    "compared": ["a", "b"],
    "community_slug": "example",
    "courtyard_slug": "example",
    "facility_slug": "example",
    "notice_pk": 1,
    "event_slug": "example",
    "council_slug": "example",
    "meeting_pk": 1,
    "organisation_slug": "example",
    "reference": "ABCD-EFGH",
    "survey_slug": "example",
    "map_centre": [36.0, 114.0],
}


def endpoints(t: dict) -> list[Endpoint]:
    """Every public URL pattern, with a record of the bench database where it
    needs one (a missing one is measured as the 404 it then is)."""
    q = urllib.parse.quote
    found = lambda key, fallback="none": t.get(key) or fallback  # noqa: E731
    status = lambda key: 200 if t.get(key) else 404  # noqa: E731
    rows = [
        Endpoint("home", "/"),
        Endpoint("estate list", "/estates/"),
        Endpoint(
            f"estate search: 汉字 {t['hanzi']}",
            f"/estates/?q={q(t['hanzi'])}",
            FAST_P95_MS,
        ),
        Endpoint(
            f"estate search: pinyin {t['pinyin']}",
            f"/estates/?q={t['pinyin']}",
            FAST_P95_MS,
        ),
        Endpoint(
            f"estate search: initials {t['initials']}",
            f"/estates/?q={t['initials']}",
            FAST_P95_MS,
        ),
        Endpoint(
            f"estate search: miss {t['miss']}", f"/estates/?q={t['miss']}", FAST_P95_MS
        ),
        Endpoint("estate page", f"/estates/{t['estate_slug']}/", MISS_P95_MS),
        Endpoint("follow a compound", f"/follow/compound/{t['estate_slug']}/"),
        Endpoint(
            "follow a programme", f"/follow/programme/{t['real_programme_slug']}/"
        ),
        Endpoint(
            "a compound's news feed (Atom)",
            f"/follow/compound/{t['estate_slug']}/atom.xml",
        ),
        Endpoint(
            "a compound's calendar (iCalendar)",
            f"/follow/compound/{t['estate_slug']}/calendar.ics",
        ),
        Endpoint(
            "community page",
            f"/communities/{found('community_slug')}/",
            status=status("community_slug"),
        ),
        Endpoint(
            "merged courtyard page",
            f"/courtyards/{found('courtyard_slug')}/",
            status=status("courtyard_slug"),
        ),
        Endpoint("lane list", "/lanes/"),
        Endpoint(
            "lane page", f"/lanes/{found('lane_slug')}/", status=status("lane_slug")
        ),
        Endpoint("events", "/events/"),
        Endpoint("events.ics", "/events.ics", sized=False),
        Endpoint("governance: the country", "/governance/"),
        Endpoint(
            "survey form",
            f"/surveys/{found('survey_slug', t['estate_slug'])}/",
            status=status("survey_slug"),
        ),
        Endpoint(
            "survey thanks",
            f"/surveys/{found('survey_slug', t['estate_slug'])}/thanks/",
        ),
        Endpoint("feedback: find the compound", "/feedback/new/"),
        Endpoint(
            f"feedback: compounds matching {t['hanzi']}",
            f"/feedback/new/?q={q(t['hanzi'])}",
        ),
        Endpoint("feedback: the form", f"/feedback/new/?estate={t['estate_slug']}"),
        Endpoint("feedback: find the subdistrict", "/feedback/new/?unlisted=1"),
        Endpoint(
            "feedback: find by reference",
            f"/feedback/find/?reference={found('reference', 'ZZZZ-ZZZZ')}",
            status=302 if t.get("reference") else 404,
        ),
        Endpoint(
            "feedback: follow",
            f"/feedback/{found('reference', 'ZZZZ-ZZZZ')}/",
            status=status("reference"),
        ),
        Endpoint("case study (redirect)", "/case-study/", status=302),
        Endpoint("programme list", "/programmes/"),
        Endpoint("programme comparison: choose", "/programmes/compare/"),
        Endpoint("open data", "/data/"),
        Endpoint("health", "/healthz"),
        Endpoint("robots.txt", "/robots.txt"),
    ]
    if t.get("programme_slug"):
        slug = t["programme_slug"]
        rows += [
            Endpoint("programme landing", f"/programmes/{slug}/"),
            Endpoint("programme compounds", f"/programmes/{slug}/compounds/"),
            Endpoint(
                "governance: a programme's area", f"/governance/?programme={slug}"
            ),
            Endpoint("events: a programme's area", f"/events/?programme={slug}"),
            Endpoint("API programme detail", f"/api/v1/programmes/{slug}/"),
        ]
    if len(t.get("compared") or []) >= 2:
        query = "&".join(f"p={slug}" for slug in t["compared"])
        rows += [
            Endpoint(
                f"comparison of {len(t['compared'])} programmes",
                f"/programmes/compare/?{query}",
            ),
            Endpoint("comparison CSV", f"/programmes/compare.csv?{query}", sized=False),
        ]
    if t.get("real_programme_slug"):
        rows.append(
            Endpoint(
                "case study", f"/programmes/{t['real_programme_slug']}/case-study/"
            )
        )
    rows += [
        Endpoint("API root", "/api/v1/"),
        Endpoint("API docs", "/api/docs/"),
        Endpoint("API statistics", "/api/v1/stats/"),
        Endpoint("API estate list", "/api/v1/estates/"),
        Endpoint("API estate list, largest page", "/api/v1/estates/?page_size=1000"),
        Endpoint("API estate search", f"/api/v1/estates/?search={q(t['hanzi'])}"),
        Endpoint(
            "API estate detail", f"/api/v1/estates/{t['estate_slug']}/", MISS_P95_MS
        ),
        Endpoint(
            "API feedback",
            f"/api/v1/feedback/{found('reference', 'ZZZZ-ZZZZ')}/",
            status=status("reference"),
        ),
    ]
    for kind, key in (
        ("communities", "community_slug"),
        ("courtyards", "courtyard_slug"),
        ("lanes", "lane_slug"),
        ("events", "event_slug"),
        ("councils", "council_slug"),
        ("meetings", "meeting_pk"),
        ("organisations", "organisation_slug"),
        ("facilities", "facility_slug"),
        ("notices", "notice_pk"),
    ):
        rows += [
            Endpoint(f"API {kind} list", f"/api/v1/{kind}/?page_size=100"),
            Endpoint(
                f"API {kind} detail",
                f"/api/v1/{kind}/{found(key, '0')}/",
                status=status(key),
            ),
        ]
    rows += map_endpoints(t.get("map_centre") or [36.0, 114.0])
    rows += [
        Endpoint("API programme list", "/api/v1/programmes/?page_size=100"),
        Endpoint("API: an unknown address", "/api/v1/no-such-thing/", status=404),
        # Issue 17, item 5: what search engines read, with no page cache.
        Endpoint("sitemap index", "/sitemap.xml"),
        Endpoint(
            "sitemap: last page of compounds",
            f"/sitemap-compounds.xml?p={t['sitemap_last_page']}",
        ),
    ]
    return rows


# The map's views (issue 19): the whole country, a city, a street, as a map
# on a phone or a laptop asks for them; each ≤ 50 ms p95.
MAP_VIEWS = (
    ("national", 4, 31.0, 18.0),
    ("city", 10, 0.6, 0.4),
    ("street", 16, 0.01, 0.008),
)


def map_endpoints(centre: list[float]) -> list[Endpoint]:
    lat, lng = centre
    rows = []
    for name, zoom, half_width, half_height in MAP_VIEWS:
        if name == "national":
            box = (73.0, 18.0, 135.0, 54.0)
        else:
            box = (
                lng - half_width,
                lat - half_height,
                lng + half_width,
                lat + half_height,
            )
        bbox = ",".join(f"{value:.6f}" for value in box)
        rows.append(
            Endpoint(
                f"API map points: {name} view",
                f"/api/v1/map/points/?bbox={bbox}&zoom={zoom}",
            )
        )
        if name != "national":
            # The map asks for facilities, lanes and courtyards from a
            # city's zoom on (static/js/map.js, PLACES_MIN_ZOOM).
            rows.append(
                Endpoint(
                    f"API map places: {name} view", f"/api/v1/map/places/?bbox={bbox}"
                )
            )
    return rows


def endpoint_row(endpoint: Endpoint, m: dict) -> Row:
    """An address's figures against its targets: its status, p95, queries
    and, for a page or an API answer, its size (issue 17, item 4)."""
    q = max(m["queries"]) if m["queries"] else None
    size_ok = not endpoint.sized or m["bytes"] <= PAGE_MAX_BYTES
    ok = (
        m["status"] == [endpoint.status]
        and m["p95_ms"] is not None
        and m["p95_ms"] <= endpoint.target
        and q is not None
        and q <= MAX_QUERIES
        and size_ok
    )
    status = "" if m["status"] == [200] else f" (HTTP {m['status']})"
    notes = []
    if len(m["queries"]) > 1:
        notes.append(f"queries varied: {m['queries']}")
    if not size_ok:
        notes.append(f"over {PAGE_MAX_BYTES // 1024} KB")
    if m["status"] != [endpoint.status]:
        notes.append(f"expected HTTP {endpoint.status}")
    size = f"≤ {PAGE_MAX_BYTES // 1024} KB, " if endpoint.sized else ""
    return Row(
        endpoint.name,
        f"p50 {m['p50_ms']} ms, p95 {m['p95_ms']} ms, {q} queries, "
        f"{m['bytes'] / 1024:.0f} KB{status}",
        f"p95 ≤ {endpoint.target} ms, {size}≤ {MAX_QUERIES} queries",
        verdict(ok),
        "; ".join(notes),
        {**m, "path": endpoint.path},
    )


def measure_staff(env: dict, port: int, targets: dict, args) -> list[Row]:
    """The admin pages a clerk works in, signed in, against ADMIN_P95_MS."""
    rows = []
    cookie = staff_cookie(env)
    try:
        for name, path in staff_pages(targets):
            log(f"  {name}")
            m = latency(
                port, path, args.requests, args.budget, headers={"Cookie": cookie}
            )
            ok = m["status"] == [200] and (m["p95_ms"] or 1e9) <= ADMIN_P95_MS
            status = "" if m["status"] == [200] else f" (HTTP {m['status']})"
            rows.append(
                Row(
                    name,
                    f"p50 {m['p50_ms']} ms, p95 {m['p95_ms']} ms, "
                    f"{max(m['queries'] or [0])} queries, "
                    f"{m['bytes'] / 1024:.0f} KB{status}",
                    f"p95 ≤ {ADMIN_P95_MS} ms",
                    verdict(ok),
                    "signed in as a superuser (every field and inline shown)",
                    m,
                )
            )
    finally:
        subprocess.run(
            [PYTHON, "-c", STAFF_GONE],
            env={**env, "DJANGO_SETTINGS_MODULE": "renovation_portal.settings"},
            check=False,
            cwd=ROOT,
        )
    return rows


def measure_mixed(env: dict, port: int, url: str, args, floor_before=None) -> list[Row]:
    """The mixed run (bench/mixed.py) on a server of its own with the page
    cache on, against the floor measured on that server just before."""
    if "REDIS_URL" not in env:
        return [
            Row(
                "mixed traffic",
                "not measured: Redis is not answering",
                f"≥ {FLOOR_RATIO} × floor",
                "",
                "the clerk's edits reach the workers through Redis",
            )
        ]
    log("Mixed run: page cache on, a clerk and residents writing")
    # One address sends a feedback a second: the production limit (5 in 10
    # minutes per address) would refuse all but the first. This server only.
    env = {**env, "FEEDBACK_RATE_LIMIT": "1000000000"}
    with Server(env, port, page_cache=True):
        floor = wrk(port, "/bench/floor/", args.seconds, args.connections)
        m = mixed.measure(
            env,
            port,
            url,
            args.mixed_seconds,
            args.mixed_warm_up,
            args.connections,
            log,
        )
    return mixed_rows(m, floor, floor_before)


def mixed_rows(m: dict, floor: float, floor_before: float | None) -> list[Row]:
    ratio = m["rps"] / floor
    errors = m["failed"] + m["timeouts"] + m["socket_errors"]
    total = m["hits"] + m["misses"] + m["uncached"]
    mix = ", ".join(
        f"{kind} {count / max(m['lines'], 1):.0%}" for kind, count in m["mix"].items()
    )
    notes = [
        f"{m['compounds']:,} compounds by a Zipf law (s = {mixed.ZIPF_S}); {mix}; "
        f"English {m['english'] / max(m['lines'], 1):.0%}, elder mode "
        f"{m['elder'] / max(m['lines'], 1):.0%}; after a "
        f"{m['warm_up']['seconds']:.0f} s warm-up of {m['warm_up']['requests']} "
        "requests"
    ]
    if floor_before:
        notes.append(
            f"{m['rps'] / floor_before:.2f} × the floor without the page cache "
            f"({floor_before:.0f} req/s)"
        )
    if errors:
        notes.append(
            f"{m['failed']} answers ≥ 400, {m['timeouts']} timeouts, "
            f"{m['socket_errors']} socket errors"
        )
    if m["sent"] > m["lines"]:
        notes.append("wrk came round to the start of its list: hits overstated")
    missed = m["edits_made"] - m["edits_seen"]
    edit_notes = [
        "description changed in both languages through the ORM in a process "
        "with the server's settings; checked by a GET of the page in Chinese "
        f"and English after each save; {m['descriptions_restored']} compounds "
        "put back afterwards"
    ]
    if missed:
        edit_notes.append(
            f"{missed} not shown at once: {json.dumps(m['edits_missed'][:3])}"
        )
    if m["edits_not_saved"]:
        edit_notes.append(
            f"{m['edits_not_saved']} not saved: {'; '.join(m['edit_errors'])}"
        )
    statuses = ", ".join(
        f"{count} × HTTP {status}"
        for status, count in sorted(m["feedback_statuses"].items())
    )
    return [
        Row(
            "mixed traffic throughput (page cache on, writes running)",
            f"{m['rps']:.0f} req/s = {ratio:.2f} × floor ({floor:.0f} req/s); "
            f"p50 {m['p50_ms']} ms, p95 {m['p95_ms']} ms",
            f"≥ {FLOOR_RATIO} × floor, no errors",
            verdict(ratio >= FLOOR_RATIO and not errors),
            "; ".join(notes),
            {**m, "floor_rps": floor, "floor_without_cache_rps": floor_before},
        ),
        Row(
            "mixed traffic: page cache hit ratio",
            f"{m['hits'] / max(total, 1):.0%} of requests "
            f"({m['hits'] / max(m['hits'] + m['misses'], 1):.0%} of cacheable "
            f"ones): {m['hits']} hits, {m['misses']} misses, {m['uncached']} "
            "not cacheable",
            "for information",
            "",
            "counted by wrk from each answer's X-Page-Cache header; searches "
            "(a query string) are never stored",
        ),
        Row(
            "mixed traffic: a clerk's edits shown on the next request",
            f"{m['edits_seen']} of {m['edits_made']} edits seen in both languages",
            "every edit, one a second",
            verdict(
                m["edits_made"] > 0
                and m["edits_seen"] == m["edits_made"]
                and not m["edits_not_saved"]
            ),
            "; ".join(edit_notes),
        ),
        Row(
            "mixed traffic: residents' feedback accepted",
            f"{m['feedback_accepted']} of {m['feedback_sent']} accepted ({statuses})",
            "every feedback, one a second",
            verdict(
                m["feedback_sent"] > 0 and m["feedback_accepted"] == m["feedback_sent"]
            ),
            "the form page, then a POST of it with its CSRF token; "
            f"{m['feedback_deleted']} deleted afterwards",
        ),
    ]


def run(args) -> list[Row]:
    db_name = "portal_bench_smoke" if args.smoke else "portal_bench"
    url = (
        os.environ.get("DATABASE_URL")
        or f"postgres://postgres@127.0.0.1:5432/{db_name}"
    )
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")
    static_root = Path(tempfile.mkdtemp(prefix="portal-bench-static-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "BEHIND_TLS_PROXY": "0",
        "STATIC_ROOT": str(static_root),
        "BENCH": "1",
        "LOG_LEVEL": "WARNING",
        # The benchmark is one client asking fast; the API's throttle would
        # measure itself.
        "API_ANON_RATE": "100000000/minute",
        "DATABASE_STATEMENT_TIMEOUT_MS": "0",
    }
    if redis_up(redis_url):
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
        log("Redis is not answering: the page cache uses each worker's memory")

    ensure_database(url)
    estates, generated = load_data(env, url, args.estates)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    targets = pick_targets(url)
    rows: list[Row] = [generation_row(args.estates, generated)]
    port = free_port()

    if args.staff_only:
        log("The admin's pages only")
        with Server(env, port, page_cache=False):
            rows += measure_staff(env, port, targets, args)
        shutil.rmtree(static_root, ignore_errors=True)
        args.dataset = {"estates": estates, "database": db_name, "targets": targets}
        return rows

    if args.pages_only:
        log("Every public page and API answer only")
        with Server(env, port, page_cache=False):
            for endpoint in endpoints(targets):
                log(f"  {endpoint.name}")
                m = latency(port, endpoint.path, args.requests, args.budget)
                rows.append(endpoint_row(endpoint, m))
        shutil.rmtree(static_root, ignore_errors=True)
        args.dataset = {"estates": estates, "database": db_name, "targets": targets}
        return rows

    if args.mixed_only:
        log("The mixed run only")
        rows += measure_mixed(env, port, url, args)
        shutil.rmtree(static_root, ignore_errors=True)
        args.dataset = {"estates": estates, "database": db_name, "targets": targets}
        return rows

    log("Phase 1: page cache off — latency, throughput against floor and ceiling")
    with Server(env, port, page_cache=False) as server:
        for endpoint in endpoints(targets):
            log(f"  {endpoint.name}")
            rows.append(
                endpoint_row(
                    endpoint, latency(port, endpoint.path, args.requests, args.budget)
                )
            )
        rows += measure_staff(env, port, targets, args)
        log("  estates CSV")
        m = latency(port, "/data/estates.csv", args.csv_requests, args.budget)
        rows.append(
            Row(
                "estates CSV download (whole file)",
                f"p50 {m['client_p50_ms']} ms, p95 {m['client_p95_ms']} ms on "
                f"loopback, {max(m['queries'] or [0])} queries before streaming",
                "streamed (see memory below)",
                "",
                "time to the last byte measured by the client on loopback: the "
                "server-side header is sent before the rows are",
                m,
            )
        )

        memory_before = server.memory()
        floor = wrk(port, "/bench/floor/", args.seconds, args.connections)
        ceiling = wrk(port, static_path(port), args.seconds, args.connections)
        estate_path = f"/estates/{targets['estate_slug']}/"
        estate = wrk(port, estate_path, args.seconds, args.connections)
        api_path = f"/api/v1/estates/{targets['estate_slug']}/"
        api = wrk(port, api_path, args.seconds, args.connections)
        memory_after = server.memory()
        wrk(port, estate_path, args.seconds, args.connections)
        wrk(port, "/", args.seconds, args.connections)
        memory_again = server.memory()

    ratio = estate / floor
    rows.append(
        Row(
            "estate page throughput, uncached",
            f"{estate:.0f} req/s = {ratio:.2f} × floor ({floor:.0f} req/s)",
            f"≥ {FLOOR_RATIO} × floor",
            verdict(ratio >= FLOOR_RATIO),
            f"WhiteNoise ceiling {ceiling:.0f} req/s in the same phase"
            + (
                ""
                if ratio >= FLOOR_RATIO
                else "; the page renders afresh here (10 queries, a 45-step "
                "timeline) where the floor makes one query and one line: "
                "anonymous visitors get it from the page cache (below)"
            ),
            {"estate_rps": estate, "floor_rps": floor, "ceiling_rps": ceiling},
        )
    )

    for name, rps in (("estate page", estate), ("API estate detail", api)):
        r = rps / floor
        rows.append(
            Row(
                f"{name} throughput, uncached (issue 17, item 2)",
                f"{rps:.0f} req/s = {r:.2f} × floor ({floor:.0f} req/s)",
                f"≥ {MISS_FLOOR_RATIO} × floor",
                verdict(r >= MISS_FLOOR_RATIO),
                "no cache of any kind: the records read, the page or answer "
                "rendered, on every request",
                {"rps": rps, "floor_rps": floor},
            )
        )

    log("Phase 2: page cache on — cached pages against the ceiling")
    with Server(env, port, page_cache=True):
        ceiling2 = wrk(port, static_path(port), args.seconds, args.connections)
        cached = {}
        for name, path in (("estate page", estate_path), ("home", "/")):
            get(port, path)  # store it
            status, headers, _ = get(port, path)
            if headers.get("X-Page-Cache") != "hit":
                log(f"  {name} was not answered from the cache: {headers}")
            cached[name] = wrk(port, path, args.seconds, args.connections)
    for name, rps in cached.items():
        r = rps / ceiling2
        rows.append(
            Row(
                f"{name} throughput, cached (anonymous)",
                f"{rps:.0f} req/s = {r:.2f} × ceiling ({ceiling2:.0f} req/s)",
                f"≥ {CEILING_RATIO} × ceiling",
                verdict(r >= CEILING_RATIO),
                "",
                {"rps": rps, "ceiling_rps": ceiling2},
            )
        )

    if not args.no_mixed:
        rows += measure_mixed(env, port, url, args, floor_before=floor)

    peak = max(memory_again["peak_mb"])
    growth = max(
        b - a
        for a, b in zip(memory_after["rss_mb"], memory_again["rss_mb"], strict=False)
    )
    rows.append(
        Row(
            "gunicorn worker memory",
            f"peak {peak:.0f} MB; RSS after load {max(memory_after['rss_mb']):.0f} MB, "
            f"after a second equal load {max(memory_again['rss_mb']):.0f} MB "
            f"(+{growth:.1f} MB)",
            f"≤ {RSS_LIMIT_MB} MB, not growing (≤ {RSS_GROWTH_MB} MB)",
            verdict(peak <= RSS_LIMIT_MB and growth <= RSS_GROWTH_MB),
            f"{len(memory_after['rss_mb'])} workers; before the load "
            f"{max(memory_before['rss_mb']):.0f} MB",
            {"before": memory_before, "after": memory_after, "again": memory_again},
        )
    )

    log("CSV export memory")
    c = csv_memory(env)
    grew = c["after_all_mb"] - c["after_tenth_mb"]
    rows.append(
        Row(
            "estates CSV export memory",
            f"{c['rows']} rows, {c['size_mb']} MB in {c['seconds']} s; RSS "
            f"{c['after_tenth_mb']} MB after 10 %, {c['after_all_mb']} MB at the end",
            f"streamed, constant (≤ {CSV_GROWTH_MB} MB more after all rows)",
            verdict(grew <= CSV_GROWTH_MB),
            "measured in a separate process streaming the same generator",
            c,
        )
    )
    import_rows = 1000 if args.smoke else import_bench.IMPORT_ROWS
    log(f"Spreadsheet import of {import_rows:,} rows")
    i = import_bench.measure(env, import_rows)
    rows.append(
        Row(
            f"spreadsheet import of {import_rows:,} rows",
            f"preview {i['preview_seconds']} s + apply {i['apply_seconds']} s = "
            f"{i['seconds']} s; peak RSS {i['peak_mb']} MB, its key and gram "
            f"worker {i.get('worker_peak_mb', 0)} MB ({i['size_mb']} MB CSV)",
            f"≤ {import_bench.IMPORT_SECONDS // 60} min, peak RSS ≤ "
            f"{import_bench.IMPORT_RSS_LIMIT_MB} MB",
            verdict(i["time_ok"] and i["memory_ok"]),
            "manage.py import_spreadsheet estates FILE, preview then --apply, in "
            "a process of its own (bench/import_bench.py); the compounds it "
            "creates are deleted afterwards",
            i,
        )
    )
    job_rows = 1000 if args.smoke else 15_000  # the admin's limit (reading.MAX_ROWS)
    log(f"Spreadsheet import of {job_rows:,} rows as the admin's job")
    j = import_bench.measure_job(env, job_rows)
    rows.append(
        Row(
            f"import of {job_rows:,} rows as a job (issue 18)",
            f"as a job {j['job_seconds']} s ({j['job_progress_writes']} progress "
            f"writes, {j['job_done']:,} rows done), applied directly "
            f"{j['direct_seconds']} s",
            "done, progress to the total, about the direct time",
            verdict(j["ok"]),
            "the admin's apply run by sitewide.jobs.job_run in a process of its "
            "own (bench/import_bench.py measure_job); compounds deleted afterwards",
            j,
        )
    )
    followers = 1000 if args.smoke else fanout_bench.FOLLOWERS
    log(f"Telling {followers:,} followers of one programme")
    f = fanout_bench.measure(env, followers)
    rows.append(
        Row(
            f"fan-out to {followers:,} followers (issue 18)",
            f"{f['queued']:,} notifications queued in {f['fan_out_seconds']} s; "
            f"the change itself {f['change_after_ms']} ms with them, "
            f"{f['change_before_ms']} ms without",
            f"≤ {fanout_bench.FAN_OUT_SECONDS:.0f} s, the change not slower",
            verdict(f["fan_out_ok"] and f["change_ok"]),
            "bench/fanout_bench.py: a compound's stage changed by the service a "
            "clerk's save calls (median of 5), then the worker's fan-out in one "
            "process; make drill-follow sends them, killing a worker mid-way",
            f,
        )
    )
    shutil.rmtree(static_root, ignore_errors=True)
    args.dataset = {"estates": estates, "database": db_name, "targets": targets}
    return rows


def report(rows: list[Row], args) -> str:
    width = max(len(r.name) for r in rows)
    lines = [
        f"Renovation Portal benchmark, {args.started:%Y-%m-%d %H:%M} UTC, "
        f"{args.dataset['estates']:,} compounds, {os.cpu_count()} cores, "
        f"{'smoke' if args.smoke else 'full'} run",
        "",
    ]
    for r in rows:
        lines.append(f"{r.verdict or '    '}  {r.name.ljust(width)}  {r.figure}")
        lines.append(f"      {''.ljust(width)}  target: {r.target}")
        if r.note:
            lines.append(f"      {''.ljust(width)}  note: {r.note}")
    return "\n".join(lines)


def markdown(rows: list[Row], args) -> str:
    out = [
        f"# Benchmark run {args.started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- dataset: {args.dataset['estates']:,} compounds "
        f"(database `{args.dataset['database']}`)",
        f"- machine: {platform.node()}, {os.cpu_count()} cores, "
        f"{platform.platform()}, Python {platform.python_version()}",
        f"- load: wrk, 2 threads, {args.connections} connections, "
        f"{args.seconds} s per figure; latency from {args.requests} sequential "
        "requests each",
        "",
        "| | measured | target | note |",
        "|---|---|---|---|",
    ]
    for r in rows:
        out.append(f"| {r.verdict} {r.name} | {r.figure} | {r.target} | {r.note} |")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--smoke", action="store_true", help="1,000 compounds, short loads"
    )
    parser.add_argument(
        "--staff-only",
        action="store_true",
        help="measure only the admin pages (no throughput, memory or import)",
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="measure only the public pages and API answers (time, queries, size)",
    )
    parser.add_argument(
        "--mixed-only",
        action="store_true",
        help="only the mixed run (traffic with a clerk and residents writing)",
    )
    parser.add_argument(
        "--no-mixed", action="store_true", help="leave the mixed run out"
    )
    parser.add_argument("--mixed-seconds", type=int, help="the mixed run's load")
    parser.add_argument(
        "--mixed-warm-up", type=int, help="seconds of load before the mixed run"
    )
    parser.add_argument("--estates", type=int)
    parser.add_argument("--requests", type=int)
    parser.add_argument("--csv-requests", type=int)
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--budget", type=float, help="seconds of sequential requests per address"
    )
    args = parser.parse_args()
    defaults = (
        {
            "estates": 1000,
            "requests": 30,
            "csv_requests": 3,
            "seconds": 3,
            "budget": 10,
            "mixed_seconds": 10,
            "mixed_warm_up": 5,
        }
        if args.smoke
        else {
            "estates": int(os.environ.get("BENCH_ESTATES", "250000")),
            "requests": 100,
            "csv_requests": 3,
            "seconds": 10,
            "budget": 30,
            "mixed_seconds": 60,
            # At 250,000 compounds the hit ratio, and so the throughput, grow
            # with the warm-up (BENCHMARKS.md, "Mixed run").
            "mixed_warm_up": 120,
        }
    )
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    args.started = datetime.datetime.now(datetime.UTC)

    rows = run(args)
    text = report(rows, args)
    print(text)  # noqa: T201
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = (
        args.started.strftime("%Y-%m-%dT%H%M")
        + ("-smoke" if args.smoke else "")
        + ("-staff" if args.staff_only else "")
        + ("-pages" if args.pages_only else "")
        + ("-mixed" if args.mixed_only else "")
    )
    (RESULTS / f"{stem}.md").write_text(markdown(rows, args))
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(
            {
                "started": args.started.isoformat(),
                "smoke": args.smoke,
                "dataset": args.dataset,
                "cores": os.cpu_count(),
                "rows": [asdict(r) for r in rows],
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    log(f"Written to bench/results/{stem}.md and .json")


if __name__ == "__main__":
    main()
