"""The workers' jobs (Celery): send what is due, the daily digest, retention.

Without ``CELERY_BROKER_URL`` they run in the process that asks for them
(``make run``, tests); in production ``celery -A renovation_portal worker`` and
``celery -A renovation_portal beat`` run them (README).
"""

from __future__ import annotations

import logging

from celery import shared_task

from . import sending

logger = logging.getLogger(__name__)


@shared_task(name="follows.send_pending", ignore_result=True)
def send_pending() -> int:
    return sending.send_due()


def _delay_quietly() -> None:
    """Queue a send; a broker that does not answer only delays the messages
    (the scheduler's next round sends them)."""
    try:
        send_pending.delay()
    except Exception:
        logger.warning("Could not queue the sending of notifications", exc_info=True)


send_pending.delay_quietly = _delay_quietly


@shared_task(name="follows.send_digests", ignore_result=True)
def send_digests() -> int:
    return sending.send_digests()


@shared_task(name="follows.erase_expired", ignore_result=True)
def erase_expired() -> int:
    from .services import follows_erase_expired

    return follows_erase_expired()
