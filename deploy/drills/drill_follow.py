"""``make drill-follow``: a worker killed while telling 10,000 followers (issue 18).

1. The drill database gets 10,000 confirmed followers (e-mail, at once) of one
   programme of the source data, on addresses at ``drill.invalid`` (removed
   afterwards).
2. An SMTP server on loopback (aiosmtpd, in this process) counts what each
   address receives, taking ``DRILL_SMTP_MS`` (2) ms a message as a real one
   would.
3. A Celery worker (Redis as broker) runs. A compound of the programme changes
   stage (the service a clerk's save calls): the drill prints how long the
   change itself took, and how long until the 10,000 notifications were queued.
4. When about a third are delivered, the worker is killed (SIGKILL, with its
   children) and a second one started, with the scheduler, whose rounds take up
   what the first left once its lease (``FOLLOW_SEND_LEASE_SECONDS``=10 here)
   ran out.
5. Pass: every follower received the message, each exactly one distinct
   message (by Message-ID), every notification is marked sent. Deliveries of
   the same message twice (at most one per killed worker process: the one in
   flight) are printed.

Needs Redis; the followers, happenings and notifications it made are deleted
afterwards, and the broker's database flushed.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import os
import signal
import subprocess
import threading
import time
from collections import Counter, defaultdict
from email import policy

import common
from common import say

FOLLOWERS = int(os.environ.get("DRILL_FOLLOWERS", "10000"))
SMTP_MS = float(os.environ.get("DRILL_SMTP_MS", "2"))
BROKER = os.environ.get("DRILL_BROKER_URL", "redis://127.0.0.1:6379/8")
CELERY = str(common.VENV_BIN / "celery")
DOMAIN = "drill.invalid"

SETUP = """
import time
from django.db import transaction
from django.utils import timezone
from estates.models import ProgrammeMembership
from follows.models import Follow, Happening, Notification
Follow.objects.filter(contact__endswith="@{domain}").delete()
Happening.objects.filter(key__startswith="drill:").delete()
memberships = ProgrammeMembership.objects.select_related("programme", "estate")
membership = memberships.order_by("pk").first()
now = timezone.now()
Follow.objects.bulk_create(
    [
        Follow(
            programme=membership.programme, channel="email",
            contact=f"follower-{{n}}@{domain}", language="zh-hans",
            consent_purpose="drill", consented_at=now, confirmed_at=now,
        )
        for n in range({count})
    ],
    batch_size=2000,
)
print("TARGET", membership.pk, membership.estate_id, membership.programme.slug)
"""

CHANGE = """
import time
from django.db import transaction
from estates.models import ProgrammeMembership, Stage
from estates.services import estate_refresh_stage
membership = ProgrammeMembership.objects.select_related("estate").get(pk={pk})
estate = membership.estate
stages = [s for s in Stage.values if s != estate.stage]
started = time.perf_counter()
with transaction.atomic():
    membership.reported_stage = stages[0]
    membership.save()
    estate_refresh_stage(estate=estate)
print("CHANGED", estate.stage, f"{{time.perf_counter() - started:.4f}}")
print("AT", time.time())
"""

CLEANUP = """
from follows.models import Follow, Happening, Notification
Notification.objects.filter(follow__contact__endswith="@{domain}").delete()
Follow.objects.filter(contact__endswith="@{domain}").delete()
"""


class Counting:
    """aiosmtpd handler: deliveries and Message-IDs per address."""

    def __init__(self) -> None:
        self.deliveries: Counter[str] = Counter()
        self.message_ids: defaultdict[str, set] = defaultdict(set)
        self.total = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SMTP_MS / 1000)
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for address in envelope.rcpt_tos:
                if address.endswith("@" + DOMAIN):
                    self.deliveries[address] += 1
                    self.message_ids[address].add(parsed["Message-ID"])
                    self.total += 1
        return "250 OK"


def shell(env, code: str) -> str:
    result = subprocess.run(
        [common.PYTHON, "manage.py", "shell", "--command", code],
        cwd=common.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return result.stdout


def start_worker(env, log_path, *, beat: bool) -> subprocess.Popen:
    command = [
        CELERY,
        "-A",
        "renovation_portal",
        "worker",
        "--concurrency",
        "2",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]
    if beat:
        command += ["--beat", "--schedule", str(log_path.with_suffix(".beat"))]
    log = log_path.open("w")
    process = subprocess.Popen(
        command,
        cwd=common.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed with its children
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "ready." in log_path.read_text(errors="replace"):
            return process
        if process.poll() is not None:
            raise RuntimeError(log_path.read_text(errors="replace")[-3000:])
        time.sleep(0.2)
    raise RuntimeError("the worker did not start within 60 s")


def kill(process: subprocess.Popen | None, sig=signal.SIGKILL) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=30)


def counts(database: str) -> dict:
    """Notifications of the drill's followers by status (psql: no Django start)."""
    rows = common.psql(
        database,
        "SELECT n.status, count(*) FROM follows_notification n"
        " JOIN follows_follow f ON f.id = n.follow_id"
        f" WHERE f.contact LIKE '%@{DOMAIN}' GROUP BY n.status",
    )
    found = {}
    for line in rows.splitlines():
        status, number = line.split("|")
        found[status] = int(number)
    return found


def main() -> int:
    from aiosmtpd.controller import Controller

    redis = common.redis_url()
    if not redis:
        say("FAIL drill-follow: needs Redis (the broker)")
        return 1
    failures: list[str] = []
    folder = common.workdir()
    database = common.database_url()
    common.create_database(database)
    handler = Counting()
    smtp_port = common.free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    first = second = None
    env = common.portal_env(
        database=database,
        redis=redis,
        static_root=folder / "static",
        CELERY_BROKER_URL=BROKER,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp_port,
        PORTAL_BASE_URL="https://portal.example.org",
        FOLLOW_SEND_LEASE_SECONDS=10,
        FOLLOW_SEND_ROUND_SECONDS=3,
    )
    try:
        subprocess.run(
            ["redis-cli", "-u", BROKER, "FLUSHDB"], check=True, capture_output=True
        )
        common.prepare_database(env)
        started = time.monotonic()
        target = shell(env, SETUP.format(domain=DOMAIN, count=FOLLOWERS))
        pk, estate_id, programme = target.split("TARGET", 1)[1].split()
        say(
            f"  {FOLLOWERS:,} confirmed followers of programme {programme} made in"
            f" {time.monotonic() - started:.1f} s"
        )
        controller.start()
        first = start_worker(env, folder / "worker-1.log", beat=False)
        say("  worker 1 ready (2 processes); SMTP on loopback")

        changed = shell(env, CHANGE.format(pk=pk))
        stage, seconds = changed.split("CHANGED", 1)[1].split()[:2]
        committed_at = float(changed.split("AT", 1)[1].split()[0])
        say(f"  the change (stage now {stage}) took {float(seconds) * 1000:.0f} ms")
        queued_after = None
        killed_at_total = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = counts(database)
            queued = sum(status.values())
            if queued_after is None and queued >= FOLLOWERS:
                queued_after = time.time() - committed_at
                say(
                    f"  {queued:,} notifications queued {queued_after:.1f} s"
                    " after the commit"
                )
            if handler.total >= FOLLOWERS // 3:
                kill(first)
                killed_at_total = handler.total
                say(f"  worker 1 killed (SIGKILL) after {killed_at_total:,} deliveries")
                break
            time.sleep(0.2)
        if killed_at_total is None:
            failures.append("the worker was never killed: too few deliveries in 120 s")
        if queued_after is None:
            status = counts(database)
            if sum(status.values()) >= FOLLOWERS:
                queued_after = time.time() - committed_at
                say(f"  {FOLLOWERS:,} notifications queued within {queued_after:.1f} s")
            else:
                failures.append(f"only {sum(status.values())} notifications queued")
        second = start_worker(env, folder / "worker-2.log", beat=True)
        say("  worker 2 ready, with the scheduler (a send round every 3 s, lease 10 s)")
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            status = counts(database)
            if status.get("sent", 0) >= FOLLOWERS:
                break
            time.sleep(1)
        finished = time.time() - committed_at
        status = counts(database)
        say(f"  notifications by status: {status} ({finished:.0f} s after the change)")
        received = len(handler.deliveries)
        twice = sum(1 for n in handler.deliveries.values() if n > 1)
        distinct = Counter(len(ids) for ids in handler.message_ids.values())
        say(
            f"  followers who received it: {received:,} of {FOLLOWERS:,};"
            f" distinct messages per follower: {dict(distinct)};"
            f" the same message delivered twice: {twice}"
        )
        if queued_after is not None:
            verdict = "PASS" if queued_after <= 10 else "MISS"
            say(
                f"  fan-out: {FOLLOWERS:,} queued in {queued_after:.1f} s"
                f" (target ≤ 10 s): {verdict}"
            )
            if queued_after > 10:
                failures.append(f"fan-out took {queued_after:.1f} s (> 10 s)")
        if received != FOLLOWERS:
            failures.append(f"{FOLLOWERS - received} followers received nothing")
        if set(distinct) != {1}:
            failures.append(f"distinct messages per follower: {dict(distinct)}")
        if status.get("sent", 0) != FOLLOWERS:
            failures.append(f"not all marked sent: {status}")
    finally:
        kill(first)
        kill(second, signal.SIGTERM)
        with contextlib.suppress(Exception):
            controller.stop()
        with contextlib.suppress(Exception):
            shell(env, CLEANUP.format(domain=DOMAIN))
        subprocess.run(["redis-cli", "-u", BROKER, "FLUSHDB"], capture_output=True)
        say("  cleaned up: both workers, the SMTP server, the drill's followers")
    return common.verdict("drill-follow", failures)


if __name__ == "__main__":
    common.run("drill-follow", main)
