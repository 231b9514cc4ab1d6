"""``make drill-faults``: restart PostgreSQL and stop Redis under a moderate load.

A few client threads keep asking for pages, API reads, /healthz and a static
file, and keep POSTing feedback, recording every answer (5 s client timeout).

(a) PostgreSQL is stopped (``pg_ctlcluster … stop -m fast``) for
    DRILL_PG_DOWN seconds (5) and started again. While it is down every
    answer must be a 503 (or the 200/201 of a request that needed no database
    or finished before it went), never a hang, a dropped connection, another
    5xx or a traceback. /healthz and a page must answer 200 within 5 s after
    PostgreSQL is back (the measured recovery time is printed), and every
    answer from then on must be a success.
(b) When the cache is Redis: Redis is shut down for DRILL_REDIS_DOWN seconds
    (6). Pages, API reads and feedback POSTs keep being served from the
    database; /healthz answers 503 with ``"cache": "unavailable"`` (the probe
    tells the load balancer and monitoring that this server is degraded; the
    pages themselves do not need Redis). Redis is started again with the
    project's command line.

Afterwards every feedback POST answered 201 must be in the database with
exactly its first status row ("received"), and no POST that failed may have
left a row. Both services are started again in any case (finally / SIGTERM).
Other people use this PostgreSQL: the outage is kept short; run the drill
only when needed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import common
from common import say

CLIENTS = int(os.environ.get("DRILL_CLIENTS", "4"))
PG_DOWN = float(os.environ.get("DRILL_PG_DOWN", "5"))
# Other people use this PostgreSQL: stop + wait + start stays within this many
# seconds, so the wait shrinks when stopping is slow (a busy machine).
PG_BUDGET = float(os.environ.get("DRILL_PG_BUDGET", "10"))
PG_START_ALLOWANCE = 3.0
REDIS_DOWN = float(os.environ.get("DRILL_REDIS_DOWN", "6"))
CLIENT_TIMEOUT = 5.0
RECOVERY_LIMIT = 5.0
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def pg_cluster(action: str, *extra: str) -> subprocess.CompletedProcess:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            version,
            "main",
            action,
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def pg_running() -> bool:
    return pg_cluster("status").returncode == 0


def redis_running() -> bool:
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"],
        capture_output=True,
        text=True,
        timeout=5,
    )
    return result.stdout.strip() == "PONG"


@dataclass
class Record:
    kind: str  # page, api, health, static, post
    method: str
    path: str
    started: float
    ended: float
    status: int
    error: str
    traceback: bool
    marker: str = ""
    reference: str = ""
    page_cache: str = ""


@dataclass
class Load:
    base: str
    requests: list[tuple[str, str, str]]
    estate: str
    run_id: str
    records: list[Record] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def worker(self, number: int) -> None:
        count = 0
        while not self.stop.is_set():
            kind, method, path = self.requests[(count + number) % len(self.requests)]
            count += 1
            marker, body, headers = "", None, None
            if method == "POST":
                marker = f"fault drill {self.run_id} {number}-{count}"
                body = common.feedback_body(self.estate, marker)
                headers = {"Content-Type": "application/json"}
            started = time.monotonic()
            answer = common.request(
                self.base,
                method,
                path,
                body=body,
                headers=headers,
                timeout=CLIENT_TIMEOUT,
            )
            reference = ""
            if method == "POST" and answer.status == 201:
                reference = answer.json()["reference"]
            record = Record(
                kind=kind,
                method=method,
                path=path,
                started=started,
                ended=time.monotonic(),
                status=answer.status,
                error=answer.error,
                traceback=b"Traceback" in answer.body,
                marker=marker,
                reference=reference,
                page_cache=answer.page_cache,
            )
            with self.lock:
                self.records.append(record)
            time.sleep(0.02)


def wait_until_ok(base: str, paths: list[str], limit: float) -> float | None:
    """Seconds until every path answers 200, polled every 0.1 s; None past limit."""
    started = time.monotonic()
    while time.monotonic() - started < limit + 5:
        answers = [common.request(base, "GET", p, timeout=2).status for p in paths]
        if all(status == 200 for status in answers):
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def overlaps(record: Record, start: float, end: float) -> bool:
    return record.started < end and record.ended > start


def describe(record: Record) -> str:
    return (
        f"{record.method} {record.path} → {record.status or record.error} "
        f"after {record.ended - record.started:.2f} s"
    )


def summary(records: list[Record]) -> str:
    counts: dict[str, int] = {}
    for record in records:
        key = f"{record.kind}:{record.status or record.error}"
        if record.page_cache == "hit":
            key += " (page cache)"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{key}={counts[key]}" for key in sorted(counts))


def check_feedback(url: str, records: list[Record], run_id: str) -> list[str]:
    rows = common.psql(
        url,
        "SELECT f.text, f.reference, count(s.id), "
        "coalesce(min(s.status) FILTER (WHERE s.status = 'received'), '') "
        "FROM governance_feedback f "
        "LEFT JOIN governance_feedbackstatuschange s ON s.feedback_id = f.id "
        f"WHERE f.text LIKE 'fault drill {run_id} %' GROUP BY f.id",
    )
    stored = {}
    for line in rows.splitlines():
        text, reference, changes, received = line.split("|")
        stored[text] = (reference, int(changes), received)
    failures = []
    posts = [r for r in records if r.method == "POST"]
    accepted = [r for r in posts if r.status == 201]
    refused = [r for r in posts if r.status != 201]
    for record in accepted:
        row = stored.get(record.marker)
        if row is None:
            failures.append(f"accepted feedback {record.reference} is not stored")
        elif row[0] != record.reference or row[1] != 1 or row[2] != "received":
            failures.append(f"feedback {record.reference} is stored half: {row}")
    for record in refused:
        if record.marker in stored:
            failures.append(
                f"a refused POST ({record.status or record.error}) left feedback "
                f"{stored[record.marker][0]}"
            )
    say(
        f"feedback: {len(accepted)} accepted and all stored with their first "
        f"status: {not failures}; {len(refused)} refused, rows left by them: "
        f"{sum(1 for r in refused if r.marker in stored)}"
    )
    return failures


def static_path(base: str) -> str:
    html = common.request(base, "GET", "/", timeout=10).body.decode()
    match = re.search(r'"(/static/[^"]+\.css)"', html)
    return match.group(1) if match else "/static/missing.css"


def main() -> int:
    url = common.database_url()
    redis = common.redis_url()
    work = common.workdir()
    run_id = uuid.uuid4().hex[:8]
    portal = None
    pg_stopped = redis_stopped = False
    load = None
    threads: list[threading.Thread] = []
    failures: list[str] = []
    try:
        common.create_database(url)
        env = common.portal_env(database=url, redis=redis, static_root=work / "static")
        common.prepare_database(env)
        common.collectstatic(env)
        portal = common.start_portal(env, work)
        targets = common.pick_targets(portal.base)
        estate, lane = targets["estate"], targets["lane"]
        mix = [
            ("page", "GET", "/"),
            ("api", "GET", "/api/v1/estates/"),
            ("page", "GET", f"/estates/{estate}/"),
            ("post", "POST", "/api/v1/feedback/"),
            ("page", "GET", f"/en/lanes/{lane}/"),
            ("health", "GET", "/healthz"),
            ("api", "GET", f"/api/v1/estates/{estate}/"),
            ("page", "GET", "/en/events/"),
            ("static", "GET", static_path(portal.base)),
            ("api", "GET", "/api/v1/estates/?search=%E5%B0%8F%E5%8C%BA"),
        ]
        say(f"cache: {redis or 'local memory (Redis does not answer)'}; run {run_id}")
        say(f"load: {CLIENTS} client threads over {len(mix)} requests, 5 s timeout")
        load = Load(base=portal.base, requests=mix, estate=estate, run_id=run_id)
        threads = [
            threading.Thread(target=load.worker, args=(n,), daemon=True)
            for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(5)

        # (a) PostgreSQL
        say(f"(a) stopping PostgreSQL for up to {PG_DOWN:.0f} s")
        pg_down_at = time.monotonic()
        pg_stopped = True
        stopped = pg_cluster("stop", "-m", "fast")
        if stopped.returncode != 0:
            failures.append(f"pg_ctlcluster stop failed: {stopped.stderr.strip()}")
        pg_gone_at = time.monotonic()
        stop_took = pg_gone_at - pg_down_at
        time.sleep(max(2.0, min(PG_DOWN, PG_BUDGET - stop_took - PG_START_ALLOWANCE)))
        pg_start_at = time.monotonic()
        started = pg_cluster("start")
        pg_up_at = time.monotonic()
        pg_stopped = started.returncode != 0
        if pg_stopped:
            failures.append(f"pg_ctlcluster start failed: {started.stderr.strip()}")
        say(
            f"    PostgreSQL: stop took {pg_gone_at - pg_down_at:.1f} s, start "
            f"{pg_up_at - pg_start_at:.1f} s; unavailable for "
            f"{pg_up_at - pg_down_at:.1f} s in all"
        )
        recovery = wait_until_ok(portal.base, ["/healthz", "/estates/"], RECOVERY_LIMIT)
        say(
            "    recovery after PostgreSQL is back: "
            + (f"{recovery:.2f} s" if recovery is not None else "none")
        )
        if recovery is None or recovery > RECOVERY_LIMIT:
            failures.append(
                f"no 200 from /healthz and a page within {RECOVERY_LIMIT} s"
            )
        time.sleep(max(0.0, RECOVERY_LIMIT - (time.monotonic() - pg_up_at)) + 3)
        settled_at = pg_up_at + RECOVERY_LIMIT
        phase_b_at = time.monotonic()

        # (b) Redis
        redis_down_at = redis_up_at = None
        if redis:
            say(f"(b) stopping Redis for {REDIS_DOWN:.0f} s")
            redis_down_at = time.monotonic()
            redis_stopped = True
            subprocess.run(
                ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"],
                capture_output=True,
                timeout=10,
            )
            time.sleep(REDIS_DOWN)
            redis_up_at = time.monotonic()
            subprocess.run(REDIS_START, check=True, capture_output=True, timeout=10)
            redis_stopped = False
            back = wait_until_ok(portal.base, ["/healthz"], 10)
            say(
                "    /healthz 200 again after Redis is back: "
                + (f"{back:.2f} s" if back is not None else "never")
            )
            if back is None:
                failures.append("/healthz did not recover after Redis came back")
            time.sleep(2)
        else:
            say("(b) skipped: the cache is not Redis")
        load.stop.set()
        for thread in threads:
            thread.join(timeout=CLIENT_TIMEOUT + 2)
    finally:
        if load:
            load.stop.set()
        if pg_stopped or not pg_running():
            say("restoring PostgreSQL")
            pg_cluster("start")
        if redis_stopped or (redis and not redis_running()):
            say("restoring Redis")
            subprocess.run(REDIS_START, capture_output=True, timeout=10)
        if portal:
            portal.stop()
        shutil.rmtree(work / "static", ignore_errors=True)

    records = sorted(load.records, key=lambda r: r.started)
    say("")
    say(f"answers: {len(records)} in total")

    # Everywhere: no hang or dropped connection, no traceback in a body.
    for record in records:
        if record.status == 0:
            failures.append(f"no answer: {describe(record)}")
        if record.traceback:
            failures.append(f"traceback in the body: {describe(record)}")

    during_pg = [r for r in records if overlaps(r, pg_down_at, pg_up_at)]
    say(f"(a) while PostgreSQL was down: {summary(during_pg)}")
    slowest = max((r.ended - r.started for r in during_pg), default=0.0)
    say(f"    slowest answer while down: {slowest:.2f} s")
    for record in during_pg:
        if record.status not in {200, 201, 503, 0}:
            failures.append(f"while PostgreSQL was down: {describe(record)}")
    # Between the end of "stop" and the start of "start" nothing answers on
    # 5432: whatever needs the database must be a 503. A page the page cache
    # still holds needs no database: its 200 (X-Page-Cache: hit) is right.
    fully_down = [
        r for r in records if r.started >= pg_gone_at and r.ended <= pg_start_at
    ]
    say(
        f"    while it was fully stopped ({pg_start_at - pg_gone_at:.1f} s): "
        f"{summary(fully_down)}"
    )
    for record in fully_down:
        from_cache = record.status == 200 and record.page_cache == "hit"
        if record.kind != "static" and record.status != 503 and not from_cache:
            failures.append(f"while PostgreSQL was stopped: {describe(record)}")
    after_pg = [r for r in records if settled_at <= r.started < phase_b_at]
    say(f"    from 5 s after it was back: {summary(after_pg)}")
    for record in after_pg:
        if record.status not in {200, 201}:
            failures.append(f"after PostgreSQL was back: {describe(record)}")

    if redis_down_at is not None:
        during_redis = [r for r in records if overlaps(r, redis_down_at, redis_up_at)]
        say(f"(b) while Redis was down: {summary(during_redis)}")
        slowest = max((r.ended - r.started for r in during_redis), default=0.0)
        say(f"    slowest answer while down: {slowest:.2f} s")
        health = [r for r in during_redis if r.kind == "health"]
        inside = [
            r
            for r in health
            if r.started > redis_down_at + 0.5 and r.ended < redis_up_at
        ]
        if not all(r.status == 503 for r in inside):
            failures.append("/healthz did not report the Redis outage (503)")
        for record in during_redis:
            if record.kind != "health" and record.status not in {200, 201}:
                failures.append(f"while Redis was down: {describe(record)}")

    failures += check_feedback(url, records, run_id)
    log = Path(portal.log_path).read_text(errors="replace") if portal else ""
    say(
        f"gunicorn log: {log.count('Traceback')} tracebacks, "
        f"{log.count('WORKER TIMEOUT')} worker timeouts  (logs: {work})"
    )
    if "WORKER TIMEOUT" in log:
        failures.append("a gunicorn worker timed out")
    return common.verdict("drill-faults", failures)


if __name__ == "__main__":
    common.run("drill-faults", main)
