"""Following a compound or a programme without an account (issue 18).

A :class:`Follow` holds one contact (an e-mail address or a mobile number),
given with consent for one purpose: to be told what happens to what it
follows. It is confirmed by a link or a code (:class:`Confirmation`) before
anything is sent, shown to no one, and erased when its holder stops
following or after the retention period.

What happens is written once as a :class:`Happening` (the per-compound feeds
read them), and for each confirmed follower as a :class:`Notification` row in
the same transaction as the change: an outbox, which the workers send from.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message (SMS)")


class Mode(models.TextChoices):
    AT_ONCE = "now", _("at once")
    DIGEST = "digest", _("once a day, in one message")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Follow(models.Model):
    estate = models.ForeignKey(
        "estates.Estate",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compound"),
    )
    programme = models.ForeignKey(
        "estates.Programme",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # The normalised address: lower-case e-mail, or the mobile's 11 digits.
    contact = models.CharField(_("contact"), max_length=254)
    building = models.CharField(
        _("building"),
        max_length=20,
        blank=True,
        help_text=_("Only notices for this building (and the whole compound)."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES
    )
    mode = models.CharField(
        _("how often"), max_length=8, choices=Mode.choices, default=Mode.AT_ONCE
    )
    consent_purpose = models.TextField(_("purpose agreed to"))
    consented_at = models.DateTimeField(_("consent given"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # In every message's stop link: who holds it may stop this follow, and
    # see what this contact follows, without logging in.
    token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(estate__isnull=False, programme__isnull=True)
                    | models.Q(estate__isnull=True, programme__isnull=False)
                ),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["channel", "contact", "estate"],
                condition=models.Q(estate__isnull=False),
                name="follow_estate_once",
            ),
            models.UniqueConstraint(
                fields=["channel", "contact", "programme"],
                condition=models.Q(programme__isnull=False),
                name="follow_programme_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["estate", "confirmed_at"], name="follow_estate_confirmed"
            ),
            models.Index(
                fields=["programme", "confirmed_at"], name="follow_programme_confirmed"
            ),
            models.Index(fields=["channel", "contact"], name="follow_contact"),
        ]

    def __str__(self) -> str:
        return str(self.estate or self.programme)

    @property
    def target(self):
        return self.estate or self.programme


class Confirmation(models.Model):
    """A single-use secret that confirms a follow: the token of an e-mail's
    link, or a six-digit SMS code. Only its hash is kept."""

    follow = models.OneToOneField(
        Follow, models.CASCADE, related_name="confirmation", verbose_name=_("follower")
    )
    secret_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")

    def __str__(self) -> str:
        return str(self.follow)


class HappeningKind(models.TextChoices):
    STAGE = "stage", _("new stage")
    NOTICE = "notice", _("construction notice")
    MEETING = "meeting", _("council meeting")
    SURVEY = "survey", _("satisfaction survey")
    COMPLETED = "completed", _("works completed")
    FEEDBACK = "feedback", _("your feedback")


class Happening(models.Model):
    """Something that happened to a compound, in both languages: the source of
    its followers' notifications and of its Atom feed."""

    estate = models.ForeignKey(
        "estates.Estate",
        models.CASCADE,
        related_name="+",
        verbose_name=_("compound"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=HappeningKind.choices)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    building = models.CharField(_("building"), max_length=20, blank=True)
    happened_at = models.DateTimeField(_("when"), auto_now_add=True)
    # Names it: published twice (a retried request), it is recorded once.
    key = models.CharField(_("key"), max_length=120, unique=True)
    # Set once a worker has queued a notification for every follower.
    fanned_out_at = models.DateTimeField(_("followers told"), null=True, blank=True)

    class Meta:
        verbose_name = _("happening")
        verbose_name_plural = _("happenings")
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(
                fields=["estate", "-happened_at", "-id"], name="happening_estate_recent"
            ),
            models.Index(
                fields=["id"],
                condition=models.Q(fanned_out_at__isnull=True),
                name="happening_to_fan_out",
            ),
        ]

    def __str__(self) -> str:
        return self.title_zh_hans

    def title(self, language: str) -> str:
        if language == "en" and self.title_en:
            return self.title_en
        return self.title_zh_hans


class Status(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    HELD = "held", _("held (quiet hours or daily digest)")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Notification(models.Model):
    """One message to one recipient: the outbox row a worker sends."""

    # Unique: the same happening is never queued twice for the same follower.
    key = models.CharField(_("key"), max_length=120, unique=True)
    follow = models.ForeignKey(
        Follow,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("follower"),
    )
    happening = models.ForeignKey(
        Happening,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("happening"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # Copied when queued for a message without a follow (a confirmation, a
    # reply to feedback), and erased once sent.
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    digest = models.BooleanField(_("for the daily digest"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at", "id"], name="notification_due"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class StaffWatch(models.Model):
    """A member of staff following their own scope (issue 18, item 2): new
    feedback from residents, and a daily summary of what is overdue. Sent to
    their account's e-mail address; stopped by the link in every message."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="scope_watch",
        verbose_name=_("user"),
    )
    new_feedback = models.BooleanField(
        _("new feedback from residents"),
        default=True,
        help_text=_("Feedback about a compound in your scope, when it arrives."),
    )
    overdue = models.BooleanField(
        _("what is overdue, every morning"),
        default=True,
        help_text=_(
            "Steps past their planned date, feedback waiting for an answer, "
            "councils whose meeting is due: only when there is any."
        ),
    )
    mode = models.CharField(
        _("how often to be told"),
        max_length=8,
        choices=Mode.choices,
        default=Mode.AT_ONCE,
        help_text=_("Once a day: new feedback is listed in the morning summary."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )

    class Meta:
        verbose_name = _("what I follow in my scope")
        verbose_name_plural = _("what I follow in my scope")

    def __str__(self) -> str:
        return str(self.user)
