"""Telling 10,000 followers of one programme (issue 18): how long the change
itself takes with and without them, and how long a worker takes to queue the
10,000 notifications. Used by ``bench/bench.py``; runs alone too::

    DATABASE_URL=postgres://… python bench/fanout_bench.py --followers 10000

It makes the followers (confirmed, e-mail, on addresses at ``bench.invalid``)
of the programme of the database's first membership, changes that compound's
reported stage (the service a clerk's save calls, in one transaction) first
without followers and then with them, runs the fan-out a worker would run, in
the same process, and deletes what it made.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLLOWERS = 10_000
FAN_OUT_SECONDS = 10.0
# The change "not slower than before": within this factor of its time
# without followers, plus a few milliseconds of noise.
CHANGE_FACTOR, CHANGE_SLACK_MS = 1.5, 5.0

SCRIPT = """
import json, statistics, time
from django.db import transaction
from django.utils import timezone
from estates.models import ProgrammeMembership, Stage
from estates.services import estate_refresh_stage
from follows.models import Follow, Happening, Notification
from follows import tasks
from follows.services import happening_fan_out

# The worker's part is measured on its own below, not inside the change.
tasks.fan_out.delay_quietly = lambda happening_id: None

DOMAIN = "bench.invalid"
Follow.objects.filter(contact__endswith="@" + DOMAIN).delete()
membership = (
    ProgrammeMembership.objects.select_related("programme", "estate")
    .order_by("pk").first()
)
estate = membership.estate
made = []


def change():
    # Another stage each time, so that the change is real.
    stages = [s for s in Stage.values if s != estate.stage]
    started = time.perf_counter()
    with transaction.atomic():
        membership.reported_stage = stages[0]
        membership.save()
        estate_refresh_stage(estate=estate)
    made.extend(Happening.objects.filter(estate=estate, fanned_out_at__isnull=True))
    return (time.perf_counter() - started) * 1000


before = statistics.median(change() for _ in range(5))
now = timezone.now()
Follow.objects.bulk_create(
    [
        Follow(programme=membership.programme, channel="email",
               contact="f" + str(n) + "@" + DOMAIN, language="zh-hans",
               consent_purpose="bench", consented_at=now, confirmed_at=now)
        for n in range({followers})
    ],
    batch_size=2000,
)
after = statistics.median(change() for _ in range(5))
happening = Happening.objects.filter(estate=estate).order_by("-pk").first()
started = time.perf_counter()
queued = happening_fan_out(happening_id=happening.pk)
fan_out = time.perf_counter() - started
Notification.objects.filter(follow__contact__endswith="@" + DOMAIN).delete()
Follow.objects.filter(contact__endswith="@" + DOMAIN).delete()
Happening.objects.filter(pk__in=[h.pk for h in made]).delete()
print("RESULT " + json.dumps({{
    "followers": {followers}, "queued": queued,
    "change_before_ms": round(before, 1), "change_after_ms": round(after, 1),
    "fan_out_seconds": round(fan_out, 2),
}}))
"""


def measure(env: dict, followers: int = FOLLOWERS) -> dict:
    settings = {
        **env,
        "DEBUG": "0",
        "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--command",
            SCRIPT.format(followers=followers),
        ],
        cwd=ROOT,
        env=settings,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    line = next(
        line for line in result.stdout.splitlines() if line.startswith("RESULT ")
    )
    found = json.loads(line.removeprefix("RESULT "))
    found["fan_out_ok"] = found["fan_out_seconds"] <= FAN_OUT_SECONDS
    found["change_ok"] = found["change_after_ms"] <= (
        found["change_before_ms"] * CHANGE_FACTOR + CHANGE_SLACK_MS
    )
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=FOLLOWERS)
    arguments = parser.parse_args()
    sys.stdout.write(
        json.dumps(measure(dict(os.environ), arguments.followers), indent=2) + "\n"
    )
