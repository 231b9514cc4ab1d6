"""``make drill-load``: a bounded load on gunicorn + PostgreSQL (+ Redis).

Creates the drill database when missing, migrates, loads the source data,
collects static files into a temporary folder, starts gunicorn with
deploy/gunicorn.conf.py on loopback, waits for /healthz, then runs wrk over a
mix of pages (both languages), API reads and feedback POSTs.

Pass: no socket error (connect, read, write, timeout), no answer outside
2xx/3xx, no traceback in gunicorn's log. Prints requests/s and latency
p50/p90/p99.

Environment: DRILL_SECONDS (default 20; the issue's figure is 60),
DRILL_CONNECTIONS (64), DRILL_THREADS (2), DRILL_TIMEOUT (10 s: a request wrk
waited on longer counts as a timeout, i.e. a socket error), and those in
common.py. The drill database is kept for ``make drill-backup``; gunicorn and
the static folder are cleaned up.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import common
from common import say

SECONDS = int(os.environ.get("DRILL_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("DRILL_CONNECTIONS", "64"))
THREADS = int(os.environ.get("DRILL_THREADS", "2"))
TIMEOUT = int(os.environ.get("DRILL_TIMEOUT", "10"))
# One request in this many is a feedback POST.
POST_EVERY = 20

LUA = """
wrk.headers["X-Forwarded-Proto"] = "https"
local paths = %(paths)s
local post_body = %(post_body)s
local counter = 0

request = function()
  counter = counter + 1
  if counter %% %(post_every)d == 0 then
    return wrk.format("POST", "/api/v1/feedback/",
      {["Content-Type"] = "application/json", ["X-Forwarded-Proto"] = "https"},
      post_body)
  end
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'DRILL_JSON {"requests": %%d, "seconds": %%.3f, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "timeout": %%d, "status": %%d, "p50": %%d, "p90": %%d, ' ..
    '"p99": %%d, "max": %%d}\\n',
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write,
    e.timeout, e.status, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal here


def paths_for(targets: dict) -> list[str]:
    estate, lane = targets["estate"], targets["lane"]
    pages = [
        "/",
        "/estates/",
        f"/estates/{estate}/",
        f"/lanes/{lane}/",
        "/events/",
        "/case-study/",
    ]
    api = [
        "/api/v1/estates/",
        "/api/v1/estates/?search=%E5%B0%8F%E5%8C%BA",  # 小区
        f"/api/v1/estates/{estate}/",
    ]
    return pages + ["/en" + page for page in pages] + api


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    say("wrk is missing; installing it with apt-get")
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install).returncode != 0:
        # A fresh machine may have no package lists yet.
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(install, check=True)
    return shutil.which("wrk") or "wrk"


def status_counts(access_log: Path) -> Counter:
    counts: Counter = Counter()
    pattern = re.compile(r'" (\d{3}) ')
    for line in access_log.read_text(errors="replace").splitlines():
        match = pattern.search(line)
        if match:
            counts[match.group(1)] += 1
    return counts


def main() -> int:
    wrk = ensure_wrk()
    url = common.database_url()
    redis = common.redis_url()
    work = common.workdir()
    portal = None
    try:
        created = common.create_database(url)
        say(f"database {common.database_name(url)}: {'created' if created else 'kept'}")
        say(f"cache: {redis or 'local memory (Redis does not answer)'}")
        env = common.portal_env(database=url, redis=redis, static_root=work / "static")
        common.prepare_database(env)
        common.collectstatic(env)
        portal = common.start_portal(env, work)
        targets = common.pick_targets(portal.base)
        paths = paths_for(targets)
        post_body = common.feedback_body(targets["estate"], "负载演练 load drill")
        script = work / "mix.lua"
        script.write_text(
            LUA
            % {
                "paths": "{" + ", ".join(lua_string(p) for p in paths) + "}",
                "post_body": lua_string(post_body.decode()),
                "post_every": POST_EVERY,
            }
        )
        say(
            f"wrk: {SECONDS} s, {CONNECTIONS} connections, {THREADS} threads, "
            f"{len(paths)} GET paths + 1 POST in {POST_EVERY}, timeout {TIMEOUT} s"
        )
        result = subprocess.run(
            [
                wrk,
                f"-t{THREADS}",
                f"-c{CONNECTIONS}",
                f"-d{SECONDS}s",
                f"--timeout={TIMEOUT}s",
                "-s",
                str(script),
                portal.base,
            ],
            capture_output=True,
            text=True,
            timeout=SECONDS + 120,
        )
        say(result.stdout.rstrip())
        if result.returncode != 0:
            say(result.stderr)
            return common.verdict("drill-load", [f"wrk exited {result.returncode}"])
        line = next(
            (x for x in result.stdout.splitlines() if x.startswith("DRILL_JSON ")), ""
        )
        figures = json.loads(line.removeprefix("DRILL_JSON "))
    finally:
        if portal:
            portal.stop()
        shutil.rmtree(work / "static", ignore_errors=True)

    counts = status_counts(work / "access.log")
    tracebacks = portal.log_text().count("Traceback")
    socket_errors = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
    rate = figures["requests"] / figures["seconds"]
    say("")
    say(f"requests: {figures['requests']} in {figures['seconds']:.1f} s")
    say(f"requests/s: {rate:.1f}")
    say(
        "latency ms: p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  max {:.1f}".format(
            *(figures[k] / 1000 for k in ("p50", "p90", "p99", "max"))
        )
    )
    say(
        "socket errors: connect {connect}, read {read}, write {write}, "
        "timeout {timeout}; non-2xx/3xx: {status}".format(**figures)
    )
    say("answers by status (gunicorn's access log): " + json.dumps(dict(counts)))
    say(f"tracebacks in gunicorn's log: {tracebacks}  (logs: {work})")

    failures = []
    if socket_errors:
        failures.append(f"{socket_errors} socket errors")
    if figures["status"]:
        failures.append(f"{figures['status']} answers outside 2xx/3xx")
    bad = {code: n for code, n in counts.items() if not code.startswith(("2", "3"))}
    if bad:
        failures.append(f"access log has answers outside 2xx/3xx: {bad}")
    if not counts.get("201"):
        failures.append("no feedback POST was accepted (201)")
    if tracebacks:
        failures.append(f"{tracebacks} tracebacks in gunicorn's log")
    return common.verdict("drill-load", failures)


if __name__ == "__main__":
    common.run("drill-load", main)
