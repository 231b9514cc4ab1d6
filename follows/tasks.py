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


@shared_task(name="follows.fan_out", ignore_result=True)
def fan_out(happening_id: int) -> int:
    from .services import happening_fan_out

    queued = happening_fan_out(happening_id=happening_id)
    if queued:
        send_pending.delay_quietly()
    return queued


def _fan_out_quietly(happening_id: int) -> None:
    try:
        fan_out.delay(happening_id)
    except Exception:
        logger.warning("Could not queue a fan-out", exc_info=True)


fan_out.delay_quietly = _fan_out_quietly


@shared_task(name="follows.send_digests", ignore_result=True)
def send_digests() -> int:
    return sending.send_digests()


@shared_task(name="follows.erase_expired", ignore_result=True)
def erase_expired() -> int:
    from .services import follows_erase_expired

    return follows_erase_expired()


@shared_task(name="follows.staff_feedback", ignore_result=True)
def staff_feedback(feedback_id: int) -> int:
    from .staff import tell_feedback

    return tell_feedback(feedback_id=feedback_id)


def _staff_feedback_quietly(feedback_id: int) -> None:
    try:
        staff_feedback.delay(feedback_id)
    except Exception:
        logger.warning("Could not queue telling staff of feedback", exc_info=True)


staff_feedback.delay_quietly = _staff_feedback_quietly
