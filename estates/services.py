"""Writes that span more than one row: steps, programme memberships and the
stage derived from them."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F

from .models import Estate, Procedure, ProgrammeMembership, Stage, Step, StepStatus
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


def estate_reported_stage(*, estate: Estate) -> tuple[str | None, datetime.date | None]:
    """The stage a programme's source last reported for the estate, and the
    date it was reported for; (None, None) when no source gives one."""
    membership = (
        ProgrammeMembership.objects.filter(estate=estate, reported_stage__isnull=False)
        .order_by(F("reported_on").desc(nulls_last=True), "-pk")
        .only("reported_stage", "reported_on")
        .first()
    )
    if membership is None:
        return None, None
    return membership.reported_stage, membership.reported_on


@transaction.atomic
def estate_refresh_stage(*, estate: Estate) -> str | None:
    """Store the estate's stage: its steps' when it has steps, otherwise the
    stage its programmes' sources last reported (marked with that date), and
    otherwise unknown."""
    stage, reported_on = estate_derive_stage(estate=estate), None
    if stage is None:
        stage, reported_on = estate_reported_stage(estate=estate)
    if (stage, reported_on) != (estate.stage, estate.stage_reported_on):
        Estate.objects.filter(pk=estate.pk).update(
            stage=stage, stage_reported_on=reported_on
        )
        estate.stage, estate.stage_reported_on = stage, reported_on
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


@transaction.atomic
def estates_refresh_stages(*, estate_ids) -> None:
    """Refresh the stage of each estate named (after its memberships of
    programmes changed: their reported stages may now decide it)."""
    for estate in Estate.objects.filter(pk__in=list(estate_ids)).only(
        "pk", "stage", "stage_reported_on"
    ):
        estate_refresh_stage(estate=estate)
