"""Follow, confirm, stop; what happened, and whom to tell (issue 18)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from estates.models import Estate, Programme, ProgrammeMembership
from governance.validators import normalize_phone

from .models import (
    Channel,
    Confirmation,
    Follow,
    Happening,
    Mode,
    Notification,
    Status,
)

INVALID_EMAIL = _("Enter a valid e-mail address, such as name@example.com.")
INVALID_MOBILE = _("Enter a mainland mobile number: 11 digits starting with 1.")
WRONG_CODE = _(
    "That code or link is not valid: it may be mistyped, used already, or "
    "expired. Ask for a new one."
)
TOO_MANY_TRIES = _("Too many wrong codes. Ask for a new one.")
CODE_TRIES = 5


def purpose_text() -> str:
    """The purpose a follower agrees to, in their language (stored with the follow)."""
    return gettext(
        "I agree that the portal may use this contact only to tell me what "
        "happens to what I follow, until I stop following (each message has a "
        "link to stop) or at most %(days)s days."
    ) % {"days": settings.FOLLOW_RETENTION_DAYS}


def normalize_contact(*, channel: str, contact: str) -> str:
    value = (contact or "").strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(INVALID_EMAIL, code="invalid_email") from None
        return value.lower()
    try:
        digits = normalize_phone(value)
    except ValidationError:
        raise ValidationError(INVALID_MOBILE, code="invalid_mobile") from None
    if len(digits) != 11 or not digits.startswith("1"):
        raise ValidationError(INVALID_MOBILE, code="invalid_mobile")
    return digits


def _hash(secret: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def language_url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return absolute(reverse(name, kwargs=kwargs))


# ------------------------------------------------------------------------------
# Following
# ------------------------------------------------------------------------------
@transaction.atomic
def follow_request(
    *,
    estate: Estate | None = None,
    programme: Programme | None = None,
    channel: str,
    contact: str,
    building: str = "",
    language: str,
    mode: str = Mode.AT_ONCE,
) -> Follow:
    """Ask to follow: a follow waiting for confirmation, and the message that
    confirms it (an e-mail with a link, or an SMS with a code).

    The same answer whether or not the contact already follows it: a stranger
    learns nothing. A confirmed follow is left as it is, and nothing is sent;
    an unconfirmed one gets a new secret (the old one stops working)."""
    address = normalize_contact(channel=channel, contact=contact)
    target = {"estate": estate} if estate is not None else {"programme": programme}
    follow = (
        Follow.objects.select_for_update()
        .filter(channel=channel, contact=address, **target)
        .first()
    )
    if follow is not None and follow.confirmed_at is not None:
        return follow
    now = timezone.now()
    if follow is None:
        follow = Follow(
            channel=channel,
            contact=address,
            building=building.strip(),
            language=language,
            mode=mode,
            consent_purpose=purpose_text(),
            consented_at=now,
            **target,
        )
        follow.full_clean()
        try:
            with transaction.atomic():
                follow.save()
        except IntegrityError:  # asked twice at once: the other request made it
            return Follow.objects.get(channel=channel, contact=address, **target)
    else:
        follow.building, follow.language, follow.mode = building.strip(), language, mode
        follow.consent_purpose, follow.consented_at = purpose_text(), now
        follow.save(
            update_fields=[
                "building",
                "language",
                "mode",
                "consent_purpose",
                "consented_at",
            ]
        )
    if channel == Channel.EMAIL:
        secret = secrets.token_urlsafe(24)
        lifetime = settings.FOLLOW_LINK_MINUTES
    else:
        secret = f"{secrets.randbelow(1_000_000):06d}"
        lifetime = settings.FOLLOW_CODE_MINUTES
    Confirmation.objects.update_or_create(
        follow=follow,
        defaults={
            "secret_hash": _hash(f"{follow.pk}:{secret}"),
            "expires_at": now + datetime.timedelta(minutes=lifetime),
            "attempts": 0,
        },
    )
    _queue_confirmation(follow=follow, secret=secret, minutes=lifetime)
    return follow


def _queue_confirmation(*, follow: Follow, secret: str, minutes: int) -> None:
    with translation.override(follow.language):
        name = str(follow.target)
        if follow.channel == Channel.EMAIL:
            link = language_url(
                "follows:confirm", follow.language, token=follow.token
            ) + (f"?secret={secret}")
            subject = gettext("Confirm that you follow %(name)s") % {"name": name}
            body = gettext(
                "To be told what happens to %(name)s, open this link within "
                "%(minutes)s minutes:\n%(link)s\n\nIf you did not ask for this, "
                "ignore this message: nothing more will be sent."
            ) % {"name": name, "minutes": minutes, "link": link}
        else:
            subject = gettext("Code to follow %(name)s") % {"name": name}
            body = gettext(
                "Your code to follow %(name)s: %(code)s (valid %(minutes)s "
                "minutes). If you did not ask for it, ignore this message."
            ) % {"name": name, "code": secret, "minutes": minutes}
    Notification.objects.create(
        key=f"confirm:{follow.pk}:{secrets.token_hex(8)}",
        channel=follow.channel,
        address=follow.contact,
        language=follow.language,
        subject=subject,
        body=body,
    )
    send_soon()


def follow_confirm(*, follow: Follow, secret: str) -> Follow:
    """Confirm with the link's secret or the SMS code: single use, until it
    expires, and at most a few wrong codes (each wrong one is counted, even
    though the attempt is refused)."""
    confirmed, problem = _confirm(follow=follow, secret=secret)
    if problem is not None:
        raise problem
    return confirmed


@transaction.atomic
def _confirm(*, follow: Follow, secret: str) -> tuple[Follow, ValidationError | None]:
    follow = Follow.objects.select_for_update().get(pk=follow.pk)
    if follow.confirmed_at is not None:
        return follow, None
    confirmation = Confirmation.objects.filter(follow=follow).first()
    if confirmation is None or confirmation.expires_at < timezone.now():
        return follow, ValidationError(WRONG_CODE, code="wrong_code")
    if confirmation.attempts >= CODE_TRIES:
        return follow, ValidationError(TOO_MANY_TRIES, code="too_many_tries")
    given = _hash(f"{follow.pk}:{(secret or '').strip()}")
    if not hmac.compare_digest(given, confirmation.secret_hash):
        confirmation.attempts += 1
        confirmation.save(update_fields=["attempts"])
        return follow, ValidationError(WRONG_CODE, code="wrong_code")
    confirmation.delete()
    follow.confirmed_at = timezone.now()
    follow.save(update_fields=["confirmed_at"])
    return follow, None


@transaction.atomic
def follow_stop(*, follow: Follow) -> None:
    """Stop following: the contact and everything queued for it are erased."""
    Follow.objects.filter(pk=follow.pk).delete()


@transaction.atomic
def follow_change(
    *, follow: Follow, mode: str, language: str, building: str = ""
) -> Follow:
    """Change how often, in which language and for which building a follower
    is told. Held digest messages stay held (they go out in the next digest)."""
    follow.mode = mode
    follow.language = language
    if follow.estate_id is not None:
        follow.building = building.strip()
    follow.save(update_fields=["mode", "language", "building"])
    return follow


@transaction.atomic
def follows_stop_all(*, follow: Follow) -> int:
    """Stop everything the contact of ``follow`` follows."""
    deleted, _ = Follow.objects.filter(
        channel=follow.channel, contact=follow.contact
    ).delete()
    return deleted


@transaction.atomic
def follows_erase_expired(*, now: datetime.datetime | None = None) -> int:
    """Erase unconfirmed follows whose confirmation expired a day ago, and
    every follow older than the retention period; messages sent keep no
    address."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(days=1)
    retention = now - datetime.timedelta(days=settings.FOLLOW_RETENTION_DAYS)
    deleted, _ = Follow.objects.filter(
        Q(confirmed_at__isnull=True, created_at__lt=stale)
        | Q(consented_at__lt=retention)
    ).delete()
    Notification.objects.filter(status=Status.SENT).exclude(address="").update(
        address=""
    )
    return deleted


# ------------------------------------------------------------------------------
# What happened, and whom to tell
# ------------------------------------------------------------------------------
def _followers(estate: Estate, building: str = "") -> Iterable[Follow]:
    programmes = ProgrammeMembership.objects.filter(estate=estate).values("programme")
    followers = Follow.objects.filter(confirmed_at__isnull=False).filter(
        Q(estate=estate) | Q(programme__in=programmes)
    )
    if building:
        affected = {part.strip() for part in building.replace("、", ",").split(",")}
        followers = followers.filter(Q(building="") | Q(building__in=affected))
    return followers.only("pk", "channel", "language", "mode", "token", "estate_id")


def happening_record(
    *,
    estate: Estate,
    kind: str,
    titles: dict[str, str],
    building: str = "",
    key: str,
) -> Happening:
    """Record what happened, in the caller's transaction: the outbox row. A
    worker then queues one notification per confirmed follower (of the
    compound, or of a programme it belongs to: :func:`happening_fan_out`), so
    the change itself stays as fast with 10,000 followers as with none.
    ``key`` names the happening: recorded twice, it is told once."""
    happening, created = Happening.objects.get_or_create(
        key=key,
        defaults={
            "estate": estate,
            "kind": kind,
            "title_zh_hans": titles["zh-hans"][:200],
            "title_en": titles.get("en", "")[:200],
            "building": building,
        },
    )
    if created:
        _fan_out_soon(happening.pk)
    return happening


def _fan_out_soon(happening_id: int) -> None:
    from .tasks import fan_out

    transaction.on_commit(lambda: fan_out.delay_quietly(happening_id))


CHUNK = 2000


def happening_fan_out(*, happening_id: int) -> int:
    """Queue the happening's notifications, one per confirmed follower; the
    number queued. Safe to run again, or twice at once: the happening is
    locked, and a notification's key makes a repeat a no-op."""
    with transaction.atomic():
        happening = (
            Happening.objects.select_for_update()
            .select_related("estate")
            .filter(pk=happening_id, fanned_out_at__isnull=True)
            .first()
        )
        if happening is None:
            return 0
        estate = happening.estate
        now = timezone.now()
        bodies: dict[str, tuple[str, str, str]] = {}
        rows: list[Notification] = []
        queued = 0
        followers = _followers(estate, happening.building)
        for follow in followers.iterator(chunk_size=CHUNK):
            language = follow.language
            if language not in bodies:
                bodies[language] = _body_parts(happening, estate, language)
            subject, body, stop_prefix = bodies[language]
            digest = follow.mode == Mode.DIGEST
            rows.append(
                Notification(
                    key=f"{happening.key}:{follow.pk}",
                    follow_id=follow.pk,
                    happening_id=happening.pk,
                    channel=follow.channel,
                    language=language,
                    subject=subject,
                    body=body.replace(STOP_MARK, stop_prefix + follow.token + "/"),
                    digest=digest,
                    status=Status.HELD if digest else Status.PENDING,
                    created_at=now,
                )
            )
            if len(rows) >= CHUNK:
                Notification.objects.bulk_create(rows, ignore_conflicts=True)
                queued += len(rows)
                rows = []
        if rows:
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            queued += len(rows)
        happening.fanned_out_at = now
        happening.save(update_fields=["fanned_out_at"])
    return queued


STOP_MARK = "\x00stop\x00"


def _body_parts(happening, estate, language) -> tuple[str, str, str]:
    """The subject, the body with a mark where each follower's stop link goes,
    and the stop link without its token: worked out once per language."""
    title = happening.title(language)
    with translation.override(language):
        page = language_url("estates:estate-detail", language, slug=estate.slug)
        stop = language_url("follows:manage", language, token="TOKEN")
        body = gettext(
            "%(title)s\n\nThe compound's page: %(page)s\n\nTo stop these "
            "messages, open %(stop)s (no login needed)."
        ) % {"title": title, "page": page, "stop": STOP_MARK}
    return title, body, stop.removesuffix("TOKEN/")


def send_soon() -> None:
    """Ask a worker to send once this transaction commits (in-process when
    no broker is configured)."""
    from .tasks import send_pending

    transaction.on_commit(send_pending.delay_quietly)


def feedback_tell(*, feedback, what: Callable[[], str], key: str) -> None:
    """Tell a resident who left feedback with a contact and consent that it
    changed (status or a public reply), by SMS, in the caller's transaction,
    in the language they wrote in; ``what()`` says what, in the active one."""
    contact = getattr(feedback, "contact", None)
    if contact is None or not contact.consent or not contact.phone:
        return
    if not (len(contact.phone) == 11 and contact.phone.startswith("1")):
        return  # a landline takes no text message
    language = contact.language or settings.LANGUAGE_CODE
    with translation.override(language):
        page = language_url(
            "feedback:feedback-detail", language, reference=feedback.reference
        )
        body = gettext("Your feedback %(reference)s: %(what)s. Details: %(page)s") % {
            "reference": feedback.reference,
            "what": what(),
            "page": page,
        }
        subject = gettext("Your feedback %(reference)s") % {
            "reference": feedback.reference
        }
    Notification.objects.bulk_create(
        [
            Notification(
                key=key,
                channel=Channel.SMS,
                address=contact.phone,
                language=language,
                subject=subject,
                body=body,
            )
        ],
        ignore_conflicts=True,
    )
    send_soon()
