"""Sending the outbox: claim, send, mark; retries, quiet hours, digests.

A worker claims a batch of due rows (``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several workers never take the same row) and marks them
*being sent* in that short transaction; it then sends each and marks it sent
(erasing the address it used) at once. A worker that dies mid-batch leaves its
rows *being sent*: after ``FOLLOW_SEND_LEASE_SECONDS`` another worker takes
them again. At most the one message in flight when it died can arrive twice;
e-mails carry a Message-ID made from the row's key, so mail programs show a
repeat as one message.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
from collections import OrderedDict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from renovation_portal import ratelimit

from .channels import ADAPTERS, SendError
from .models import Channel, Follow, Happening, Notification, Status

logger = logging.getLogger(__name__)

BATCH = 200
MAX_ATTEMPTS = 6


def quiet_now(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """During the quiet hours (China's time), the morning they end; else None."""
    local = timezone.localtime(now or timezone.now())
    start, end = settings.SMS_QUIET_START_HOUR, settings.SMS_QUIET_END_HOUR
    if start <= local.hour or local.hour < end:
        morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
        if local.hour >= start:
            morning += datetime.timedelta(days=1)
        return morning
    return None


def _hold_for_the_night(now) -> None:
    Notification.objects.filter(
        status=Status.HELD, digest=False, next_attempt_at__lte=now
    ).update(status=Status.PENDING)
    morning = quiet_now(now)
    if morning is not None:
        Notification.objects.filter(status=Status.PENDING, channel=Channel.SMS).update(
            status=Status.HELD, next_attempt_at=morning
        )


def _claim(now) -> list[Notification]:
    lease = timezone.now() - datetime.timedelta(
        seconds=settings.FOLLOW_SEND_LEASE_SECONDS
    )
    due = Q(status=Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    stranded = Q(status=Status.SENDING, claimed_at__lt=lease)
    with transaction.atomic():
        rows = Notification.objects.filter(due | stranded).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        claimed = list(rows.select_related("follow")[:BATCH])
        # The time of the claim itself, not of the round: a long round must
        # not make its later claims look older than the lease.
        Notification.objects.filter(pk__in=[row.pk for row in claimed]).update(
            status=Status.SENDING, claimed_at=timezone.now()
        )
    return claimed


def _within_limit(channel: str) -> bool:
    limit = settings.FOLLOW_SEND_PER_MINUTE.get(channel, 0)
    if not limit:
        return True
    return ratelimit.hit_subject(
        "follows-send", channel, limit=limit, window=60
    ).allowed


def _send_one(row: Notification, now) -> bool:
    address = row.address or (row.follow.contact if row.follow_id else "")
    if not address:  # erased meanwhile
        Notification.objects.filter(pk=row.pk).update(
            status=Status.FAILED, error="no address"
        )
        return False
    if not _within_limit(row.channel):
        Notification.objects.filter(pk=row.pk).update(
            status=Status.PENDING, next_attempt_at=now + datetime.timedelta(minutes=1)
        )
        return False
    try:
        ADAPTERS[row.channel].send(row, address)
    except SendError as error:
        attempts = row.attempts + 1
        retry = error.retry and attempts < MAX_ATTEMPTS
        Notification.objects.filter(pk=row.pk).update(
            status=Status.PENDING if retry else Status.FAILED,
            attempts=attempts,
            error=str(error)[:200],
            next_attempt_at=now + datetime.timedelta(seconds=30 * 2**attempts)
            if retry
            else None,
        )
        logger.warning("Notification %s not sent: %s", row.pk, error)
        return False
    Notification.objects.filter(pk=row.pk).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        attempts=row.attempts + 1,
        address="",
        error="",
    )
    return True


def fan_out_pending() -> int:
    """Queue the notifications of every happening no worker has fanned out
    (its job lost with a broker down, or a worker dead mid-way)."""
    from .services import happening_fan_out

    waiting = Happening.objects.filter(fanned_out_at__isnull=True).values_list(
        "pk", flat=True
    )
    return sum(happening_fan_out(happening_id=pk) for pk in list(waiting[:100]))


def send_due(*, now: datetime.datetime | None = None) -> int:
    """Send every due message; the number sent."""
    now = now or timezone.now()
    fan_out_pending()
    _hold_for_the_night(now)
    sent = 0
    while True:
        batch = _claim(now)
        if not batch:
            return sent
        with contextlib.ExitStack() as stack:
            for adapter in {ADAPTERS[row.channel] for row in batch}:
                stack.enter_context(adapter.batch())
            for row in batch:
                sent += _send_one(row, now)


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """One message per follower contact with everything held for its digest,
    grouped by compound, newest first; the number of digests queued."""
    now = now or timezone.now()
    held = (
        Notification.objects.filter(status=Status.HELD, digest=True)
        .select_related("follow", "happening__estate")
        .order_by("-created_at", "-id")
    )
    groups: OrderedDict[tuple, list[Notification]] = OrderedDict()
    for row in held.iterator(chunk_size=2000):
        follow: Follow = row.follow
        groups.setdefault((follow.channel, follow.contact, follow.language), []).append(
            row
        )
    queued = 0
    for (channel, contact, language), rows in groups.items():
        with transaction.atomic():
            _queue_digest(channel, contact, language, rows, now)
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=Status.SENT, sent_at=now
            )
        queued += 1
    if queued:
        send_due(now=now)
    return queued


def _queue_digest(channel, contact, language, rows, now) -> None:
    by_compound: OrderedDict[str, list[str]] = OrderedDict()
    for row in rows:
        estate = row.happening.estate if row.happening_id else None
        with translation.override(language):
            name = str(estate.name) if estate is not None else ""
        by_compound.setdefault(name, []).append(row.subject)
    stop = rows[0].body.rsplit("\n\n", 1)[-1]
    with translation.override(language):
        subject = gettext("What happened today to what you follow")
        parts = [
            f"{name}\n" + "\n".join(f"- {line}" for line in lines)
            for name, lines in by_compound.items()
        ]
        body = "\n\n".join([*parts, stop])
    digest_key = hashlib.sha256(f"{channel}:{contact}".encode()).hexdigest()[:16]
    Notification.objects.bulk_create(
        [
            Notification(
                key=f"digest:{now.date().isoformat()}:{digest_key}",
                follow=rows[0].follow,
                channel=channel,
                language=language,
                subject=subject,
                body=body,
            )
        ],
        ignore_conflicts=True,
    )
