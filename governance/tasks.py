"""Governance's periodic job (Celery beat): surveys whose first day came."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="governance.surveys_opening", ignore_result=True)
def surveys_opening() -> int:
    from .services import surveys_opening_today

    return surveys_opening_today()
