"""What a follower is told: the listeners of the events other apps publish
(renovation_portal/events.py), each run in the publisher's transaction."""

from __future__ import annotations

import uuid

from django.utils import translation
from django.utils.translation import gettext

from renovation_portal import events

from .models import HappeningKind


def _both(make) -> dict[str, str]:
    """A text in each language: ``make()`` under each."""
    titles = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            titles[language] = make()
    return titles


def stage_changed(*, estate, stage, previous, **_ignored) -> None:
    from estates.models import Stage

    from .services import happening_record

    if stage is None or stage == previous:
        return
    finished = stage == Stage.MANAGEMENT

    def title() -> str:
        values = {"name": estate.name, "stage": Stage(stage).label}
        if finished:
            return gettext("%(name)s: the works are completed") % values
        if previous is None:  # a stage on record for the first time
            return gettext("%(name)s: its stage is now %(stage)s") % values
        return gettext("%(name)s has reached a new stage: %(stage)s") % values

    titles = _both(title)
    happening_record(
        estate=estate,
        kind=HappeningKind.COMPLETED if finished else HappeningKind.STAGE,
        titles=titles,
        # Each change is news of its own, even back to an earlier stage.
        key=f"stage:{estate.pk}:{previous or ''}>{stage}:{uuid.uuid4().hex[:16]}",
    )


def notice_posted(*, notice, **_ignored) -> None:
    from .services import happening_record

    estate = notice.estate

    def title() -> str:
        return gettext("%(name)s: construction notice: %(title)s") % {
            "name": estate.name,
            "title": notice.title,
        }

    happening_record(
        estate=estate,
        kind=HappeningKind.NOTICE,
        titles=_both(title),
        building=notice.buildings_affected,
        key=f"notice:{notice.pk}:{uuid.uuid4().hex[:16]}",
    )


# A community's council without compounds of its own speaks for the
# community's compounds: at most this many are told (the rest read the page).
COMMUNITY_COMPOUNDS_TOLD = 200


def meeting_scheduled(*, meeting, **_ignored) -> None:
    from django.utils import formats

    from estates.models import Estate

    from .services import happening_record

    council = meeting.council
    estates = list(council.estates.all()[:COMMUNITY_COMPOUNDS_TOLD])
    if not estates and council.community_id:
        estates = list(
            Estate.objects.filter(community_id=council.community_id).order_by("pk")[
                :COMMUNITY_COMPOUNDS_TOLD
            ]
        )
    for estate in estates:

        def title(estate=estate) -> str:
            return gettext("%(name)s: %(council)s meets on %(date)s") % {
                "name": estate.name,
                "council": council.name,
                "date": formats.date_format(meeting.held_on, "DATE_FORMAT"),
            }

        happening_record(
            estate=estate,
            kind=HappeningKind.MEETING,
            titles=_both(title),
            key=f"meeting:{meeting.pk}:{estate.pk}:{uuid.uuid4().hex[:12]}",
        )


def survey_opened(*, survey, **_ignored) -> None:
    from django.utils import formats

    from .services import happening_record

    estate = survey.estate

    def title() -> str:
        values = {"name": estate.name}
        if survey.closes_on is not None:
            values["date"] = formats.date_format(survey.closes_on, "DATE_FORMAT")
            return (
                gettext("%(name)s: a satisfaction survey is open until %(date)s")
                % values
            )
        return gettext("%(name)s: a satisfaction survey is open") % values

    happening_record(
        estate=estate,
        kind=HappeningKind.SURVEY,
        titles=_both(title),
        # Once per opening date: saved again, or found again by the daily
        # job, it is not told twice.
        key=f"survey:{survey.pk}:{survey.opens_on.isoformat()}",
    )


def feedback_changed(*, feedback, change=None, reply=None, **_ignored) -> None:
    from .services import feedback_tell

    if change is not None:

        def status_text() -> str:
            return gettext("its status is now “%(status)s”") % {
                "status": change.get_status_display()
            }

        feedback_tell(
            feedback=feedback, what=status_text, key=f"feedback-status:{change.pk}"
        )
    elif reply is not None and reply.is_public:
        feedback_tell(
            feedback=feedback,
            what=lambda: gettext("the office replied"),
            key=f"feedback-reply:{reply.pk}",
        )


def subscribe() -> None:
    events.subscribe("estate.stage_changed", stage_changed)
    events.subscribe("estate.notice_posted", notice_posted)
    events.subscribe("meeting.scheduled", meeting_scheduled)
    events.subscribe("survey.opened", survey_opened)
    events.subscribe("feedback.changed", feedback_changed)
    from .staff import feedback_arrived

    events.subscribe("feedback.submitted", feedback_arrived)
