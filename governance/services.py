"""Writes of the governance app: resident feedback and its triage.

A submission is one transaction (DESIGN.md "Participation", issue 5 "Nothing
lost"): the feedback, its contact details, its photos and its first status
are stored together or not at all. Photos are checked and re-encoded before
anything is written, so a refused photo leaves nothing behind; if the database
fails after files were written, those files are deleted again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from estates.models import Estate, Subdistrict
from renovation_portal import events
from renovation_portal.images import CleanImage, clean_image

from .models import (
    ALLOWED_TRANSITIONS,
    CLOSED_STATUSES,
    Dimension,
    Feedback,
    FeedbackContact,
    FeedbackPhoto,
    FeedbackReply,
    FeedbackStatus,
    FeedbackStatusChange,
    Survey,
    SurveyResponse,
    new_reference,
)

MAX_PHOTOS = 3
_REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class ContactDetails:
    name: str = ""
    phone: str = ""
    consent: bool = False

    def __bool__(self) -> bool:
        return bool(self.name or self.phone)


@dataclass(frozen=True)
class UnlistedCompound:
    """A compound the register does not hold, as a resident gives it."""

    name: str
    address: str
    subdistrict: Subdistrict


def feedback_clean_photos(*, photos: Iterable) -> list[CleanImage]:
    """Every photo re-encoded, or ImageRejected for the first bad one."""
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            _("Send at most %(count)s photos."),
            code="too_many_photos",
            params={"count": MAX_PHOTOS},
        )
    return [clean_image(photo) for photo in photos]


def _unique_reference() -> str:
    for _attempt in range(_REFERENCE_ATTEMPTS):
        reference = new_reference()
        if not Feedback.objects.filter(reference=reference).exists():
            return reference
    raise IntegrityError("Could not draw a free feedback reference.")


def _delete_files(photos: list[FeedbackPhoto]) -> None:
    for photo in photos:
        for field in (photo.image, photo.thumbnail):
            if field.name:
                field.storage.delete(field.name)


def _contact_language() -> str:
    """The language the resident is writing in (a catalogue's code)."""
    from django.conf import settings
    from django.utils import translation

    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def feedback_submit(
    *,
    estate: Estate | None,
    category: str,
    text: str,
    contact: ContactDetails | None = None,
    photos: Iterable = (),
    clean_photos: list[CleanImage] | None = None,
    unlisted: UnlistedCompound | None = None,
) -> Feedback:
    """Store a resident's feedback with its photos, contact and first status.

    It is about ``estate``, or, when the register does not hold the compound,
    about the ``unlisted`` one given by name and address in a subdistrict.

    ``photos`` are uploaded files, checked here; a caller that already checked
    them (a form) passes ``clean_photos`` instead. Raises ValidationError or
    :class:`renovation_portal.images.ImageRejected`; nothing is stored then.
    """
    if clean_photos is None:
        clean_photos = feedback_clean_photos(photos=photos)
    contact = contact or ContactDetails()
    if contact and not contact.consent:
        raise ValidationError(
            _("Tick the consent box if you want the office to call you back."),
            code="no_consent",
        )
    stored: list[FeedbackPhoto] = []
    try:
        with transaction.atomic():
            feedback = Feedback(
                reference=_unique_reference(),
                estate=estate,
                category=category,
                text=text,
            )
            if unlisted is not None:
                feedback.unlisted_name = unlisted.name.strip()
                feedback.unlisted_address = unlisted.address.strip()
                feedback.subdistrict = unlisted.subdistrict
            feedback.full_clean()
            feedback.save()
            if contact:
                details = FeedbackContact(
                    feedback=feedback,
                    name=contact.name,
                    phone=contact.phone,
                    consent=contact.consent,
                    language=_contact_language(),
                )
                details.full_clean()
                details.save()
            first = FeedbackStatusChange(
                feedback=feedback, status=FeedbackStatus.RECEIVED
            )
            first.full_clean()
            first.save()
            for position, clean in enumerate(clean_photos):
                photo = FeedbackPhoto(feedback=feedback, position=position)
                # Written now (the files must exist before the row points at
                # them); deleted below if the transaction does not commit.
                photo.image.save(clean.image.name, clean.image, save=False)
                stored.append(photo)
                photo.thumbnail.save(clean.thumbnail.name, clean.thumbnail, save=False)
                # The files were checked above and their size read while
                # saving; validating them again would read them back from
                # storage (a download per photo when media is on S3).
                photo.full_clean(exclude=["image", "thumbnail"])
                photo.save()
            # Staff who follow their scope are told (issue 18).
            events.publish("feedback.submitted", feedback=feedback)
    except BaseException:
        _delete_files(stored)
        raise
    return feedback


def feedback_change_status(
    *,
    feedback: Feedback,
    status: str,
    changed_by=None,
    reason: str = "",
) -> FeedbackStatusChange:
    """Move feedback along an allowed transition, recording who and when."""
    with transaction.atomic():
        # Lock the row: two clerks triaging at once cannot both move it.
        current = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if status not in ALLOWED_TRANSITIONS.get(current.status, ()):
            raise ValidationError(
                _("Feedback that is “%(current)s” cannot become “%(new)s”."),
                code="invalid_transition",
                params={
                    "current": current.get_status_display(),
                    "new": FeedbackStatus(status).label,
                },
            )
        change = FeedbackStatusChange(
            feedback=current, status=status, reason=reason, changed_by=changed_by
        )
        change.full_clean()
        change.save()
        current.status = status
        current.closed_at = timezone.now() if status in CLOSED_STATUSES else None
        current.full_clean()
        current.save(update_fields=["status", "closed_at", "updated_at"])
        # The resident is told, in this transaction (follows/happenings.py).
        events.publish("feedback.changed", feedback=current, change=change)
    feedback.status = current.status
    feedback.closed_at = current.closed_at
    return change


def feedback_reply(
    *, feedback: Feedback, text: str, is_public: bool, author=None
) -> FeedbackReply:
    """A reply of the office: public, or an internal note."""
    with transaction.atomic():
        reply = FeedbackReply(
            feedback=feedback, text=text, is_public=is_public, author=author
        )
        reply.full_clean()
        reply.save()
        events.publish("feedback.changed", feedback=feedback, reply=reply)
    return reply


def feedback_assign(*, feedback: Feedback, assigned_to) -> Feedback:
    with transaction.atomic():
        feedback.assigned_to = assigned_to
        feedback.full_clean()
        feedback.save(update_fields=["assigned_to", "updated_at"])
    return feedback


def feedback_link_estate(*, feedback: Feedback, estate: Estate) -> bool:
    """Point feedback about a compound not listed at the compound staff have
    since created from it. False if another clerk linked it meanwhile (the
    first link stays). What the resident gave is kept."""
    with transaction.atomic():
        current = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if current.estate_id is not None:
            return False
        current.estate = estate
        current.save(update_fields=["estate", "updated_at"])
    feedback.estate = estate
    return True


def feedback_contacts_erase(*, closed_before) -> int:
    """Delete the contact details of feedback closed before ``closed_before``.

    Returns how many were erased. The public record stays.
    """
    with transaction.atomic():
        erased, _per_model = FeedbackContact.objects.filter(
            feedback__status__in=CLOSED_STATUSES,
            feedback__closed_at__lt=closed_before,
        ).delete()
    return erased


# ------------------------------------------------------------------------------
# Satisfaction surveys (issue 5, item 4)
# ------------------------------------------------------------------------------
_DEVICE_KEY_SALT = "governance.survey.device-key"

ALREADY_ANSWERED = _(
    "This phone or computer has already answered this survey. Thank you: each "
    "device can answer once."
)
SURVEY_CLOSED = _("This survey is not open for answers.")


def survey_device_key(*, survey: Survey, device_id: str) -> str:
    """An HMAC of the device's random id, keyed per survey: the database never
    holds the id itself, and two surveys' answers cannot be linked."""
    return salted_hmac(
        _DEVICE_KEY_SALT, f"{survey.pk}:{device_id}", algorithm="sha256"
    ).hexdigest()


def survey_response_submit(
    *,
    survey: Survey,
    device_id: str,
    scores: dict[str, int],
    comment: str = "",
    today=None,
) -> SurveyResponse:
    """Store one device's answer to an open survey.

    ``scores`` maps every :class:`Dimension` to 1–5. Raises ValidationError —
    ``already_answered``, ``survey_closed`` or a field's own — and stores
    nothing then; a second answer never overwrites the first.
    """
    if not survey.is_open_on(today or timezone.localdate()):
        raise ValidationError(SURVEY_CLOSED, code="survey_closed")
    device_key = survey_device_key(survey=survey, device_id=device_id)
    response = SurveyResponse(
        survey=survey,
        comment=comment,
        device_key=device_key,
        **{dimension: scores.get(dimension) for dimension in Dimension.values},
    )
    try:
        with transaction.atomic():
            if SurveyResponse.objects.filter(
                survey=survey, device_key=device_key
            ).exists():
                raise ValidationError(ALREADY_ANSWERED, code="already_answered")
            response.full_clean()
            response.save()
    except IntegrityError:
        # Two answers from one device at the same moment: the unique
        # constraint let one through; this is the other.
        if SurveyResponse.objects.filter(survey=survey, device_key=device_key).exists():
            raise ValidationError(ALREADY_ANSWERED, code="already_answered") from None
        raise
    return response


def meetings_saved(*, meetings) -> None:
    """Meetings a clerk added or changed: one on a date still to come is news
    for the followers of its council's compounds (in the caller's transaction)."""
    today = timezone.localdate()
    for meeting in meetings:
        if meeting.held_on >= today:
            events.publish("meeting.scheduled", meeting=meeting)


def surveys_opened(*, surveys, today=None) -> None:
    """Surveys a clerk saved, or whose first day came (the daily job
    :func:`surveys_opening_today`): one open today is news for its compound's
    followers (in the caller's transaction). Told once per opening date,
    however often this runs."""
    today = today or timezone.localdate()
    for survey in surveys:
        if survey.is_open_on(today):
            events.publish("survey.opened", survey=survey)


def surveys_opening_today(*, today=None) -> int:
    """Publish the surveys that open today, or opened in the last two days
    (a missed run), and are still open; the number published."""
    today = today or timezone.localdate()
    surveys = list(
        Survey.objects.filter(
            opens_on__lte=today, opens_on__gte=today - datetime.timedelta(days=2)
        )
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .select_related("estate")
        .order_by("pk")
    )
    with transaction.atomic():
        surveys_opened(surveys=surveys, today=today)
    return len(surveys)
