"""Writes that span more than one row: steps and the stage derived from them."""

from __future__ import annotations

import datetime

from django.db import transaction

from .models import Estate, Procedure, Stage, Step, StepStatus
from .models.progress import FINISHED_STATUSES

FINISHED = FINISHED_STATUSES


def estate_derive_stage(*, estate: Estate) -> str | None:
    """The stage an estate is in, read from its steps.

    The stage of the first step (in procedure order) that is not yet done or
    set aside; when every step is finished the estate is in long-term
    management; with no steps at all the stage is unknown (NULL).
    """
    statuses = list(estate.steps.order_by("number").values_list("stage", "status"))
    if not statuses:
        return None
    for stage, status in statuses:
        if status not in FINISHED:
            return stage
    return Stage.MANAGEMENT


@transaction.atomic
def estate_refresh_stage(*, estate: Estate) -> str | None:
    stage = estate_derive_stage(estate=estate)
    if stage != estate.stage:
        Estate.objects.filter(pk=estate.pk).update(stage=stage)
        estate.stage = stage
    return stage


@transaction.atomic
def estate_steps_create(*, estate: Estate, procedure: Procedure) -> list[Step]:
    """Give an estate every step of ``procedure`` it does not have yet."""
    have = set(estate.steps.values_list("template_id", flat=True))
    created = []
    for template in procedure.steps.order_by("number"):
        if template.pk in have:
            continue
        step = Step(estate=estate, template=template)
        step.full_clean()
        step.save()
        created.append(step)
    estate_refresh_stage(estate=estate)
    return created


@transaction.atomic
def step_set_status(
    *,
    step: Step,
    status: str,
    done_on: datetime.date | None = None,
    reason_zh_hans: str = "",
    reason_en: str = "",
) -> Step:
    """Change a step's status and move the estate's stage with it.

    Refused (ValidationError, nothing saved) when the step is marked done
    while a step it depends on is neither done nor marked not applicable."""
    step.status = status
    if status == StepStatus.DONE:
        step.done_on = done_on or step.done_on
    elif status == StepStatus.NOT_APPLICABLE:
        step.not_applicable_reason_zh_hans = reason_zh_hans
        step.not_applicable_reason_en = reason_en
    step.full_clean()
    step.save()
    estate_refresh_stage(estate=step.estate)
    return step
