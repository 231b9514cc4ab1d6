"""Resident participation: feedback with a public reference, its status history,
the office's replies and photos; contact details kept apart (PIPL).

The public record (``Feedback`` and what hangs off it) never holds a name or a
phone number: those live in ``FeedbackContact``, which only staff with the
``governance.view_feedback_contact`` permission may see, and which the
``erase_feedback_contacts`` command deletes once the feedback is long closed.
"""

import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from estates.models import Estate, Subdistrict
from renovation_portal.models import TimeStampedModel

# No 0/O, 1/I/L: a reference read aloud or typed on a phone cannot be misread.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    """A random reference such as ``K7MP-4QX9`` (31⁸ ≈ 8.5·10¹¹ values)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{chars[:4]}-{chars[4:]}"


def normalize_reference(text: str) -> str:
    """What a resident typed ("k7mp 4qx9", full-width) → ``K7MP-4QX9``, or ""."""
    chars = "".join(
        c for c in unicodedata.normalize("NFKC", text or "").upper() if c.isalnum()
    )
    if len(chars) != REFERENCE_LENGTH or any(
        c not in REFERENCE_ALPHABET for c in chars
    ):
        return ""
    return f"{chars[:4]}-{chars[4:]}"


class FeedbackCategory(models.TextChoices):
    ROADS = "roads", _("roads and paths")
    PIPES = "pipes", _("water, sewage and gas pipes")
    CABLES = "cables", _("overhead cables")
    LIGHTING = "lighting", _("lighting")
    GREENING = "greening", _("greening")
    PARKING = "parking", _("parking")
    CHARGING = "charging", _("EV charging points")
    SAFETY = "safety", _("safety and security")
    PROPERTY_SERVICE = "property_service", _("property management service")
    ELDERLY_CARE = "elderly_care", _("elderly care")
    OTHER = "other", _("other")


class FeedbackStatus(models.TextChoices):
    # A context of their own: "in progress" and "resolved" mean something else
    # for a renovation step (进行中) and a mediation case (已化解).
    RECEIVED = "received", pgettext_lazy("feedback status", "received")
    ACCEPTED = "accepted", pgettext_lazy("feedback status", "accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("feedback status", "in progress")
    RESOLVED = "resolved", pgettext_lazy("feedback status", "resolved")
    DECLINED = "declined", pgettext_lazy("feedback status", "declined")


# Where a feedback may go next; resolved and declined are final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    FeedbackStatus.RECEIVED: frozenset(
        {FeedbackStatus.ACCEPTED, FeedbackStatus.DECLINED}
    ),
    FeedbackStatus.ACCEPTED: frozenset(
        {FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED}
    ),
    FeedbackStatus.IN_PROGRESS: frozenset(
        {FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED}
    ),
    FeedbackStatus.RESOLVED: frozenset(),
    FeedbackStatus.DECLINED: frozenset(),
}
CLOSED_STATUSES = frozenset({FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED})

TEXT_MAX_LENGTH = 2000
UNLISTED_NAME_MAX_LENGTH = 100
UNLISTED_ADDRESS_MAX_LENGTH = 200
REPLY_MAX_LENGTH = 2000


class Feedback(TimeStampedModel):
    """What a resident told the office about a compound: the public record."""

    reference = models.CharField(
        _("reference"), max_length=9, unique=True, editable=False
    )
    estate = models.ForeignKey(
        Estate,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("compound"),
        help_text=_(
            "Empty while the resident's compound is not in the register; set when "
            "staff create it from this feedback."
        ),
    )
    # A compound the register does not hold yet, as the resident gave it. Kept
    # after staff create the compound, as the record of what was asked.
    unlisted_name = models.CharField(
        _("compound name as given"), max_length=UNLISTED_NAME_MAX_LENGTH, blank=True
    )
    unlisted_address = models.CharField(
        _("address as given"), max_length=UNLISTED_ADDRESS_MAX_LENGTH, blank=True
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="unlisted_feedback",
        verbose_name=_("subdistrict"),
        help_text=_("The office a feedback about a compound not listed goes to."),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=FeedbackCategory.choices
    )
    text = models.TextField(
        _("text"),
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Stored as the resident wrote it; never shown on public pages."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.RECEIVED,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        limit_choices_to={"is_staff": True},
        related_name="assigned_feedback",
        verbose_name=_("assigned to"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident feedback")
        verbose_name_plural = _("resident feedback")
        ordering = ["-created_at"]
        permissions = [
            ("view_feedback_contact", _("Can see residents' contact details")),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="feedback_status_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=sorted(CLOSED_STATUSES))
                | models.Q(closed_at__isnull=True),
                name="feedback_open_has_no_closed_date",
                violation_error_message=_("Only closed feedback has a closed date."),
            ),
            models.CheckConstraint(
                condition=models.Q(estate__isnull=False)
                | (~models.Q(unlisted_name="") & models.Q(subdistrict__isnull=False)),
                name="feedback_names_its_compound",
                violation_error_message=_(
                    "Feedback is about a compound of the register, or one given by "
                    "name with its subdistrict."
                ),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_unlisted(self) -> bool:
        """About a compound the register did not hold when it was sent."""
        return self.estate_id is None

    def get_absolute_url(self):
        return reverse("feedback:feedback-detail", args=[self.reference])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class FeedbackContact(models.Model):
    """A resident's name and phone for a call-back, apart from the public record."""

    feedback = models.OneToOneField(
        Feedback,
        models.CASCADE,
        related_name="contact",
        verbose_name=_("feedback"),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("Digits only: a mainland mobile or a landline with area code."),
    )
    consent = models.BooleanField(_("agreed to be contacted"), default=False)
    # The language the resident wrote in: what they are told comes in it.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent=True)
                | (models.Q(name="") & models.Q(phone="")),
                name="feedback_contact_needs_consent",
                violation_error_message=_(
                    "Contact details are kept only with the resident's consent."
                ),
            ),
        ]

    def __str__(self):
        return self.masked_phone or str(_("contact details"))

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``; short numbers keep only their ends."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 2) + phone[-1:]
    return f"{phone[:3]}****{phone[-4:]}"


class FeedbackStatusChange(models.Model):
    """One step of a feedback's status history: who moved it, when, and why."""

    feedback = models.ForeignKey(
        Feedback,
        models.CASCADE,
        related_name="status_changes",
        verbose_name=_("feedback"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=FeedbackStatus.choices
    )
    reason = models.TextField(
        _("public reason"),
        max_length=REPLY_MAX_LENGTH,
        blank=True,
        help_text=_("Shown to the resident; required when declining."),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=FeedbackStatus.DECLINED)
                | ~models.Q(reason=""),
                name="feedback_declined_has_reason",
                violation_error_message=_("Say why the feedback is declined."),
            ),
        ]

    def __str__(self):
        return f"{self.feedback} · {self.get_status_display()}"


class FeedbackReply(models.Model):
    """The office's answer: public (the resident sees it) or an internal note."""

    feedback = models.ForeignKey(
        Feedback, models.CASCADE, related_name="replies", verbose_name=_("feedback")
    )
    text = models.TextField(_("text"), max_length=REPLY_MAX_LENGTH)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Public replies are shown to anyone with the reference."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.feedback} · {self.created_at:%Y-%m-%d}"


def feedback_photo_path(instance, filename: str) -> str:
    # The name the resident's phone gave the file is never kept: it can carry a
    # date, a place or a name. Only the extension the re-encoder chose is.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"feedback/{secrets.token_hex(16)}.{extension}"


class FeedbackPhoto(models.Model):
    """A photo sent with feedback, re-encoded without metadata, and its thumbnail."""

    feedback = models.ForeignKey(
        Feedback, models.CASCADE, related_name="photos", verbose_name=_("feedback")
    )
    image = models.ImageField(
        _("image"),
        upload_to=feedback_photo_path,
        width_field="width",
        height_field="height",
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=feedback_photo_path)
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.feedback} · {self.position + 1}"
