"""Writes that span more than one row: steps, programme memberships and the
stage derived from them."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_update_with_history

from renovation_portal import events, history_reasons, page_cache

from .models import Estate, Procedure, ProgrammeMembership, Stage, Step, StepStatus
from .models.progress import FINISHED_STATUSES

FINISHED = FINISHED_STATUSES


def estate_derive_stage(*, estate: Estate) -> str | None:
    """The stage an estate is in, read from its steps.

    The stage of the first step (in procedure order) that is not yet done or
    set aside; when every step is finished the estate is in long-term
    management; with no steps at all the stage is unknown (NULL). A list of
    sample steps that staff have confirmed none of says nothing about the
    compound: the stage is then unknown too.
    """
    rows = list(
        estate.steps.order_by("number").values_list("stage", "status", "is_sample")
    )
    if all(is_sample for _stage, _status, is_sample in rows):
        return None
    statuses = [(stage, status) for stage, status, _sample in rows]
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


def _stage_reason(stage, reported_on, cause: Step | None) -> str:
    """Why the stage changed, for the compound's edit history: a short code
    (renovation_portal/history_reasons.py), worded in the reader's language
    when the history is read (:func:`word_stage_reasons`)."""
    if cause is not None:
        return history_reasons.code("stage", stage, "step", cause.pk, cause.status)
    if reported_on is not None:
        return history_reasons.code("stage", stage, "reported", reported_on.isoformat())
    return history_reasons.code("stage", stage, "steps")


def word_stage_reasons(codes) -> list[str]:
    """The codes of :func:`_stage_reason` in the active language; the steps
    they name in one query."""
    step_ids = [int(c[2]) for c in codes if len(c) >= 3 and c[1] == "step" and c[2]]
    steps = Step.objects.select_related("template").in_bulk(step_ids)
    statuses = dict(StepStatus.choices)
    worded = []
    for fields in codes:
        stage, how, *rest = [*fields, None, None][:4]
        label = (
            Stage(stage).label if stage in Stage.values else gettext("not disclosed")
        )
        step = steps.get(int(rest[0])) if how == "step" and rest[0] else None
        if how == "step":
            worded.append(
                gettext(
                    "Stage worked out from the steps: %(stage)s, after step "
                    "%(number)s “%(step)s” was saved as %(status)s."
                )
                % {
                    "stage": label,
                    "number": step.number if step else "?",
                    "step": step.template.name if step else gettext("(deleted)"),
                    "status": statuses.get(rest[1], rest[1]),
                }
            )
        elif how == "reported":
            worded.append(
                gettext(
                    "Stage as a programme's source reported it on %(date)s: %(stage)s."
                )
                % {"stage": label, "date": rest[0]}
            )
        else:
            worded.append(
                gettext("Stage worked out from the steps: %(stage)s.")
                % {"stage": label}
            )
    return worded


history_reasons.register("stage", word_stage_reasons)


@transaction.atomic
def estate_refresh_stage(*, estate: Estate, cause: Step | None = None) -> str | None:
    """Store the estate's stage: its steps' when it has steps, otherwise the
    stage its programmes' sources last reported (marked with that date), and
    otherwise unknown.

    A change is written to the compound's edit history with its reason (the
    step ``cause`` that moved it, when there is one), without counting as a
    staff edit of the compound: its version stays, so nobody's open form of
    the compound is refused for it."""
    stage, reported_on = estate_derive_stage(estate=estate), None
    if stage is None:
        stage, reported_on = estate_reported_stage(estate=estate)
    if (stage, reported_on) != (estate.stage, estate.stage_reported_on):
        stored = Estate.objects.get(pk=estate.pk)
        # News for the home page: a stage the steps reached, on the day the
        # step that moved it was done (today, when it has no date).
        reached_on = None
        if stage is not None and reported_on is None:
            reached_on = (cause.done_on if cause else None) or timezone.localdate()
        stored.stage, stored.stage_reported_on = stage, reported_on
        stored.stage_reached_on = reached_on
        reason = _stage_reason(stage, reported_on, cause)
        bulk_update_with_history(
            [stored],
            Estate,
            ["stage", "stage_reported_on", "stage_reached_on"],
            default_change_reason=reason,
        )
        page_cache.changed(stored)  # a bulk update sends no signal
        previous = estate.stage
        estate.stage, estate.stage_reported_on = stage, reported_on
        estate.stage_reached_on = reached_on
        # Its followers are told, in this transaction (follows/happenings.py).
        events.publish(
            "estate.stage_changed", estate=stored, stage=stage, previous=previous
        )
    return stage


@transaction.atomic
def estate_steps_create(*, estate: Estate, procedure: Procedure) -> list[Step]:
    """Give an estate every step of ``procedure`` it does not have yet. Steps
    of the default template are samples until staff confirm them."""
    have = set(estate.steps.values_list("template_id", flat=True))
    created = []
    for template in procedure.steps.order_by("number"):
        if template.pk in have:
            continue
        step = Step(
            estate=estate, template=template, is_sample=procedure.is_default_template
        )
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
    while a step it depends on is neither done nor marked not applicable.
    A status set by staff confirms a sample step."""
    step.status = status
    step.is_sample = False
    if status == StepStatus.DONE:
        step.done_on = done_on or step.done_on
    elif status == StepStatus.NOT_APPLICABLE:
        step.not_applicable_reason_zh_hans = reason_zh_hans
        step.not_applicable_reason_en = reason_en
    step.full_clean()
    step.save()
    estate_refresh_stage(estate=step.estate, cause=step)
    return step


@transaction.atomic
def estates_refresh_stages(*, estate_ids) -> None:
    """Refresh the stage of each estate named (after its memberships of
    programmes changed: their reported stages may now decide it)."""
    for estate in Estate.objects.filter(pk__in=list(estate_ids)).only(
        "pk", "stage", "stage_reported_on"
    ):
        estate_refresh_stage(estate=estate)


def notices_posted(*, notices) -> None:
    """Notices a clerk posted or changed (the admin saved them): their
    compounds' followers are told, in the caller's transaction."""
    for notice in notices:
        events.publish("estate.notice_posted", notice=notice)
