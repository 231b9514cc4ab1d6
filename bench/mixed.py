"""The mixed run of ``make bench`` (issue 17, item 3): real traffic, with a
clerk editing and residents writing at the same time.

Visitors (wrk with :data:`LUA`, anonymous, 2 threads) walk a list of requests
drawn here with a seeded ``random``:

- which page: :data:`MIX` (compound pages, searches, programme pages, home,
  lanes). Compounds are ranked in a seeded random order and visited by a
  Zipf law (rank *r* in proportion to 1/r^s, s = :data:`ZIPF_S`): at 250,000
  compounds the first 1 % of ranks get about 65 % of the compound visits,
  most compounds none. Searches look for the 汉字, pinyin or initials of the
  :data:`SEARCHED` most visited compounds, by the same law; programme pages
  and lane pages are drawn by it from their own seeded orders;
- the language: :data:`ENGLISH_SHARE` of requests under ``/en/``, the rest
  Chinese;
- elder mode: :data:`ELDER_SHARE` of requests carry its cookie
  (``renovation_portal.context_processors.ELDER_MODE_COOKIE``), which the page
  cache keys on.

A warm-up load of a different draw from the same law fills the page cache
first (a site in service has a warm cache); then the measured load runs while

- a clerk saves one compound a second (:class:`Clerk`): a compound drawn by
  the same law, so mostly a cached one, its description changed in both
  languages through the ORM in a Django process of its own with the server's
  settings (:data:`CLERK`), so the model signals bump the page cache's tags in
  Redis and announce them to the workers, as an edit in the admin does. After
  each save the bench asks for the compound's page in Chinese and in English,
  anonymously as wrk does, and counts the edit as seen only when both show the
  new text. That is the next request for the page the bench makes: wrk's
  requests for it in between are not inspected;
- residents send one feedback a second (:class:`Residents`): the form page of
  a compound drawn by the same law, then a POST of the form with its CSRF
  token, as a browser does; accepted means a redirect (2xx or 3xx).

The server is started by ``bench/bench.py`` with the page cache on and
``FEEDBACK_RATE_LIMIT`` raised for it alone (one address sending one feedback
a second would meet the production limit of 5 in 10 minutes at once).

wrk counts the ``X-Page-Cache`` answers in :data:`LUA`'s ``response()`` (hit,
miss; none for a page the cache does not keep, such as a search) and reports
p50/p95 from its latency histogram in ``done()``. Afterwards the clerk's
process puts every description back and deletes the feedback the run sent.
Standard library only.
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# What visitors ask for, as shares of all requests. Compound pages are most of
# a register's traffic (search engines and shared links lead to them); a
# search is the costly uncached request, so its share is kept realistic
# rather than small.
MIX = {
    "compound": 0.80,
    "search": 0.06,
    "programme": 0.06,  # a programme's landing page or its list of compounds
    "home": 0.04,
    "lane": 0.04,  # the lane list or a lane's page
}
PROGRAMME_COMPOUNDS_SHARE = 0.3  # of programme visits, its list of compounds
LANE_LIST_SHARE = 0.3  # of lane visits, the list of lanes
ENGLISH_SHARE = 0.3
ELDER_SHARE = 0.1
ELDER_COOKIE = "elder_mode=1"
ZIPF_S = 1.0
SEARCHED = 1000  # the most visited compounds, whose names visitors search for
SEED = 17
# Request lines drawn per second of load: more than wrk sends, so that it
# does not come round to the start of the list (which would count as hits
# pages only the list's first pass put in the cache; the row says if it did).
LINES_PER_SECOND = 3000
WRK_THREADS = 2

# What the bench writes, so that the clean-up finds it (and a reader of the
# database sees where it came from).
EDIT_MARK = "mixed-bench-edit"
FEEDBACK_MARK = "mixed-bench-feedback"

# Each wrk thread walks the list from its own start; response() counts the
# page cache's answers; done() prints every figure as one JSON line.
LUA = r"""
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  queue = {}
  for line in io.lines(args[1]) do
    local elder, path = line:match("^(%d) (.+)$")
    local headers = {}
    if elder == "1" then headers["Cookie"] = args[3] end
    queue[#queue + 1] = wrk.format("GET", path, headers)
  end
  position = math.floor(id * #queue / tonumber(args[2]))
  sent, hits, misses, uncached, failed = 0, 0, 0, 0, 0
end

function request()
  position = position % #queue + 1
  sent = sent + 1
  return queue[position]
end

function response(status, headers, body)
  local answer = headers["X-Page-Cache"]
  if answer == "hit" then hits = hits + 1
  elseif answer == "miss" then misses = misses + 1
  else uncached = uncached + 1 end
  if status >= 400 then failed = failed + 1 end
end

function done(summary, latency, requests)
  local total = {sent = 0, hits = 0, misses = 0, uncached = 0, failed = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(total) do
      total[name] = total[name] + thread:get(name)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'MIXED {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, '
    .. '"p99_ms": %.2f, "sent": %d, "hits": %d, "misses": %d, "uncached": %d, '
    .. '"failed": %d, "timeouts": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, total.sent, total.hits, total.misses,
    total.uncached, total.failed, e.timeout, e.connect + e.read + e.write))
end
"""

# The clerk: one Django process with the server's settings, saving what it is
# told on stdin ("edit SLUG MARK"), one line of answer per command. "finish"
# puts every description back and deletes the run's feedback.
CLERK = """
import sys
import django
django.setup()
from estates.models import Estate
from governance.models import Feedback
originals = {}
print("ready", flush=True)
for line in sys.stdin:
    command, *words = line.split()
    if command == "edit":
        slug, mark = words
        try:
            estate = Estate.objects.get(slug=slug)
            zh, en = originals.setdefault(
                slug, (estate.description_zh_hans, estate.description_en)
            )
            estate.description_zh_hans = f"{zh} {mark}".strip()
            estate.description_en = f"{en} {mark}".strip()
            estate.full_clean()
            estate.save()
        except Exception as error:
            print("error", type(error).__name__, str(error)[:200], flush=True)
        else:
            print("saved", flush=True)
    elif command == "finish":
        for slug, (zh, en) in originals.items():
            estate = Estate.objects.get(slug=slug)
            estate.description_zh_hans, estate.description_en = zh, en
            estate.save()
        _, deleted = Feedback.objects.filter(text__startswith=words[0]).delete()
        feedback = deleted.get("governance.Feedback", 0)
        print("finished", len(originals), feedback, flush=True)
        break
"""


# ------------------------------------------------------------------------------
# What visitors ask for
# ------------------------------------------------------------------------------
def zipf_weights(n: int, s: float = ZIPF_S) -> list[float]:
    """Cumulative weights of ranks 0 … n-1: rank r drawn in proportion to
    1 / (r + 1) ** s (for ``random.choices(cum_weights=…)``)."""
    return list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(n)))


class Zipf:
    """Draws from ``items``, the first most often, by a Zipf law."""

    def __init__(self, items: list, s: float = ZIPF_S):
        self.items = items
        self.weights = zipf_weights(len(items), s)

    def draw(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.weights)[0]


@dataclass
class Population:
    """What can be visited, each list in order of popularity (most visited
    first, in a seeded random order, not the database's)."""

    compounds: list[str]  # slugs
    terms: list[str]  # search terms of the most visited compounds
    programmes: list[str] = field(default_factory=list)
    lanes: list[str] = field(default_factory=list)


def search_terms(name: str, pinyin: str, initials: str) -> list[str]:
    """What a visitor types to find a compound: its first two 汉字, its full
    pinyin, its first three initials (the keys are stored as ``|a|b|``)."""
    first = lambda keys: keys.strip("|").split("|")[0]  # noqa: E731
    return [term for term in (name[:2], first(pinyin), first(initials)[:3]) if term]


def visits(rng: random.Random, count: int, population: Population) -> list[str]:
    """``count`` request lines, ``"<elder 0|1> <path>"``, drawn by :data:`MIX`
    (a kind with nothing to visit is left out), :data:`ENGLISH_SHARE` and
    :data:`ELDER_SHARE`."""
    draws = {
        "compound": Zipf(population.compounds),
        "search": Zipf(population.terms),
        "programme": Zipf(population.programmes),
        "lane": Zipf(population.lanes),
    }
    kinds = [kind for kind in MIX if kind == "home" or draws[kind].items]
    weights = [MIX[kind] for kind in kinds]
    lines = []
    for kind in rng.choices(kinds, weights=weights, k=count):
        if kind == "compound":
            path = f"/estates/{draws[kind].draw(rng)}/"
        elif kind == "search":
            path = f"/estates/?q={urllib.parse.quote(draws[kind].draw(rng))}"
        elif kind == "programme":
            tail = "compounds/" if rng.random() < PROGRAMME_COMPOUNDS_SHARE else ""
            path = f"/programmes/{draws[kind].draw(rng)}/{tail}"
        elif kind == "lane":
            lane = draws[kind].draw(rng)
            path = "/lanes/" if rng.random() < LANE_LIST_SHARE else f"/lanes/{lane}/"
        else:
            path = "/"
        if rng.random() < ENGLISH_SHARE:
            path = "/en" + path
        lines.append(f"{int(rng.random() < ELDER_SHARE)} {path}")
    return lines


def population(url: str, seed: int = SEED) -> Population:
    """Every compound, programme and lane of the database at ``url``, each
    kind in a seeded order of popularity."""
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(url) as conn:

        def column(sql: str) -> list[str]:
            values = [row[0] for row in conn.execute(sql).fetchall()]
            rng.shuffle(values)
            return values

        compounds = column("SELECT slug FROM estates_estate ORDER BY id")
        programmes = column("SELECT slug FROM estates_programme ORDER BY id")
        lanes = column("SELECT slug FROM lanes_lane ORDER BY id")
        searched = compounds[:SEARCHED]
        keys = {
            slug: search_terms(name, pinyin, initials)
            for slug, name, pinyin, initials in conn.execute(
                "SELECT slug, name_zh_hans, search_pinyin, search_initials "
                "FROM estates_estate WHERE slug = ANY(%s)",
                [searched],
            ).fetchall()
        }
    terms = [term for slug in searched for term in keys.get(slug, [])]
    return Population(compounds, terms, programmes, lanes)


# ------------------------------------------------------------------------------
# HTTP, as the standard library gives it
# ------------------------------------------------------------------------------
def request(port: int, method: str, path: str, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def multipart(fields: dict[str, str]) -> tuple[str, bytes]:
    """A ``multipart/form-data`` body, as the feedback form sends it."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n"
        for name, value in fields.items()
    ]
    body = "".join(parts) + f"--{boundary}--\r\n"
    return f"multipart/form-data; boundary={boundary}", body.encode()


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


# ------------------------------------------------------------------------------
# The clerk and the residents, once a second each, beside the load
# ------------------------------------------------------------------------------
class EverySecond(threading.Thread):
    """Calls ``once()`` at the start of every second until stopped."""

    def __init__(self, port: int, compounds: list[str], seed: int):
        super().__init__(daemon=True)
        self.port = port
        self.compounds = Zipf(compounds)
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        started = time.monotonic()
        tick = 0
        try:
            while not self.stop.is_set():
                self.once(tick)
                tick += 1
                self.stop.wait(max(0.0, started + tick - time.monotonic()))
        except BaseException as error:  # reported by the caller
            self.error = error

    def once(self, tick: int) -> None:
        raise NotImplementedError


class Clerk(EverySecond):
    """Saves a compound through the clerk's process, then asks for its page
    in both languages and looks for the new text."""

    def __init__(self, port: int, compounds: list[str], env: dict, run: str):
        super().__init__(port, compounds, seed=SEED + 10)
        self.run_mark = run
        self.process = subprocess.Popen(
            [PYTHON, "-c", CLERK],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "renovation_portal.settings"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.made = self.seen = self.failed = 0
        self.missed: list[dict] = []
        self.answered_from: dict[str, int] = {}
        self.errors: list[str] = []
        if self._answer() != "ready":
            raise RuntimeError("the clerk's process did not start")

    def _answer(self) -> str:
        # Django's own output (a warning) may come first; the answers are
        # the lines that start with one of the clerk's words.
        while True:
            line = self.process.stdout.readline()
            if not line or line.split(" ")[0].strip() in (
                "ready",
                "saved",
                "error",
                "finished",
            ):
                return line.strip()

    def once(self, tick: int) -> None:
        slug = self.compounds.draw(self.rng)
        mark = f"{EDIT_MARK}-{self.run_mark}-{tick:05d}"
        self.process.stdin.write(f"edit {slug} {mark}\n")
        self.process.stdin.flush()
        answer = self._answer()
        if answer != "saved":
            self.failed += 1
            self.errors.append(answer)
            return
        self.made += 1
        shown = True
        for prefix in ("", "/en"):
            status, headers, body = request(
                self.port, "GET", f"{prefix}/estates/{slug}/"
            )
            answer_from = headers.get("X-Page-Cache", "none")
            self.answered_from[answer_from] = self.answered_from.get(answer_from, 0) + 1
            if status != 200 or mark.encode() not in body:
                shown = False
                self.missed.append(
                    {
                        "page": f"{prefix}/estates/{slug}/",
                        "status": status,
                        "page_cache": answer_from,
                    }
                )
        self.seen += shown

    def finish(self) -> tuple[int, int]:
        """Put the descriptions back, delete the run's feedback: how many
        compounds and feedback rows (with their details) that was."""
        self.process.stdin.write(f"finish {FEEDBACK_MARK}-{self.run_mark}\n")
        self.process.stdin.flush()
        answer = self._answer().split()
        self.process.wait(timeout=60)
        return int(answer[1]), int(answer[2])


class Residents(EverySecond):
    """Opens the feedback form of a compound, then sends it."""

    def __init__(self, port: int, compounds: list[str], run: str):
        super().__init__(port, compounds, seed=SEED + 20)
        self.run_mark = run
        self.sent = self.accepted = 0
        self.statuses: dict[int, int] = {}

    def once(self, tick: int) -> None:
        slug = self.compounds.draw(self.rng)
        prefix = "/en" if self.rng.random() < ENGLISH_SHARE else ""
        path = f"{prefix}/feedback/new/"
        status, headers, body = request(self.port, "GET", f"{path}?estate={slug}")
        token = CSRF_INPUT.search(body)
        cookie = next(
            (
                value.split(";")[0]
                for value in headers.get_all("Set-Cookie") or []
                if value.startswith("csrftoken=")
            ),
            None,
        )
        self.sent += 1
        if status != 200 or token is None or cookie is None:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            return
        content_type, data = multipart(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "estate": slug,
                "category": "other",
                "text": f"{FEEDBACK_MARK}-{self.run_mark} {tick}: the bench's test",
                "website": "",
            }
        )
        status, _headers, _body = request(
            self.port,
            "POST",
            path,
            headers={"Cookie": cookie, "Content-Type": content_type},
            body=data,
        )
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.accepted += 200 <= status < 400


# ------------------------------------------------------------------------------
# The load
# ------------------------------------------------------------------------------
def wrk_mixed(
    port: int, folder: Path, lines: list[str], seconds: int, connections: int
) -> dict:
    """wrk over ``lines`` for ``seconds``: its figures (:data:`LUA`'s ``done``)."""
    script = folder / "mixed.lua"
    script.write_text(LUA)
    listing = folder / f"visits-{secrets.token_hex(4)}.txt"
    listing.write_text("\n".join(lines) + "\n")
    out = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
            "--",
            str(listing),
            str(WRK_THREADS),
            ELDER_COOKIE,
        ],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    figures = json.loads(re.search(r"^MIXED (\{.*\})$", out, re.MULTILINE).group(1))
    figures["lines"] = len(lines)
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def measure(
    env: dict,
    port: int,
    url: str,
    seconds: int,
    warm_seconds: int,
    connections: int,
    log,
) -> dict:
    """The mixed run against the server on ``port`` (page cache on), with the
    clerk's process started from ``env`` (the server's settings)."""
    people = population(url)
    rng = random.Random(SEED)
    warm = visits(rng, max(warm_seconds, 1) * LINES_PER_SECOND, people)
    measured = visits(rng, max(seconds, 1) * LINES_PER_SECOND, people)
    kinds = Counter(kind_of(line) for line in measured)
    mix = {kind: kinds[kind] for kind in MIX}
    run = secrets.token_hex(3)
    with tempfile.TemporaryDirectory(prefix="portal-bench-mixed-") as name:
        folder = Path(name)
        log(f"  warm-up, {warm_seconds} s")
        warm_figures = wrk_mixed(port, folder, warm, warm_seconds, connections)
        clerk = Clerk(port, people.compounds, env, run)
        residents = Residents(port, people.compounds, run)
        log(f"  mixed load, {seconds} s, with a clerk and residents writing")
        try:
            clerk.start()
            residents.start()
            figures = wrk_mixed(port, folder, measured, seconds, connections)
        finally:
            for worker in (clerk, residents):
                worker.stop.set()
            for worker in (clerk, residents):
                worker.join(timeout=60)
            restored, deleted = clerk.finish()
    for worker in (clerk, residents):
        if worker.error is not None:
            raise worker.error
    return {
        **figures,
        "warm_up": warm_figures,
        "compounds": len(people.compounds),
        "mix": mix,
        "english": sum("/en/" in line for line in measured),
        "elder": sum(line.startswith("1") for line in measured),
        "edits_made": clerk.made,
        "edits_seen": clerk.seen,
        "edits_not_saved": clerk.failed,
        "edit_errors": clerk.errors[:5],
        "edits_missed": clerk.missed[:20],
        "edit_checks_answered_from": clerk.answered_from,
        "feedback_sent": residents.sent,
        "feedback_accepted": residents.accepted,
        "feedback_statuses": residents.statuses,
        "descriptions_restored": restored,
        "feedback_deleted": deleted,
    }


def kind_of(line: str) -> str:
    """The kind of page a request line asks for (for the table)."""
    path = line.split(" ", 1)[1].removeprefix("/en")
    if path == "/":
        return "home"
    if path.startswith("/estates/?"):
        return "search"
    return {"estates": "compound", "programmes": "programme", "lanes": "lane"}[
        path.split("/")[1]
    ]
