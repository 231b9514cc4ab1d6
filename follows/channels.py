"""How a message leaves the portal: one interface, one adapter per channel.

- E-mail goes through Django's mail backends (``EMAIL_HOST`` for SMTP in
  production; the console backend without it, for development).
- SMS goes to an HTTP SMS provider (``SMS_API_URL``): a JSON POST of
  ``{"to", "text", "sender", "id"}`` with ``Authorization: Bearer
  SMS_API_KEY``; any 2xx is accepted, 429 and 5xx are retried, another answer
  fails the message. Without ``SMS_API_URL`` messages are written to the log
  (development). A provider with another shape of API is one more class.
- A WeChat adapter (a template message to a follower's OpenID, through the
  official account's API) would be another :class:`ChannelAdapter` with its
  own ``Channel`` value and contact check; nothing else changes: the outbox,
  retries, quiet hours and digests work per channel.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .models import Channel, Notification

logger = logging.getLogger(__name__)


class SendError(Exception):
    """The message was not sent. ``retry``: worth trying again later."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


class ChannelAdapter:
    def send(self, notification: Notification, address: str) -> None:
        raise NotImplementedError

    @contextlib.contextmanager
    def batch(self):
        """Around the sending of a batch (one connection for all of it)."""
        yield


class EmailAdapter(ChannelAdapter):
    def __init__(self) -> None:
        self._local = threading.local()

    @contextlib.contextmanager
    def batch(self):
        connection = get_connection(fail_silently=False)
        self._local.connection = connection
        try:
            yield
        finally:
            self._local.connection = None
            with contextlib.suppress(Exception):
                connection.close()

    def send(self, notification, address):
        message = EmailMessage(
            connection=getattr(self._local, "connection", None),
            subject=notification.subject,
            body=notification.body,
            to=[address],
            headers={
                # The same message is the same Message-ID, however often tried.
                "Message-ID": f"<{notification.key.replace(':', '.')}@portal>",
                "List-Unsubscribe": f"<{_stop_link(notification)}>",
            }
            if notification.follow_id
            else {"Message-ID": f"<{notification.key.replace(':', '.')}@portal>"},
        )
        try:
            message.send(fail_silently=False)
        except OSError as error:  # smtplib's errors are OSErrors
            # The next message opens a new connection.
            connection = getattr(self._local, "connection", None)
            if connection is not None:
                with contextlib.suppress(Exception):
                    connection.close()
            raise SendError(
                f"{type(error).__name__}: {error}"[:200], retry=True
            ) from error


def _stop_link(notification) -> str:
    from .services import language_url

    return language_url(
        "follows:manage", notification.language, token=notification.follow.token
    )


class HttpSmsAdapter(ChannelAdapter):
    def send(self, notification, address):
        if not settings.SMS_API_URL:
            logger.info("SMS to %s…: %s", address[:3], notification.body)
            return
        payload = {
            "to": address,
            "text": notification.body,
            "sender": settings.SMS_SENDER,
            "id": notification.key,
        }
        request = urllib.request.Request(
            settings.SMS_API_URL,
            data=json.dumps(payload).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_API_KEY}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(
                request, timeout=settings.SMS_TIMEOUT
            ) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            retry = error.code == 429 or error.code >= 500
            raise SendError(
                f"SMS provider answered {error.code}", retry=retry
            ) from error
        except OSError as error:
            raise SendError(
                f"SMS provider unreachable: {error}"[:200], retry=True
            ) from error


ADAPTERS: dict[str, ChannelAdapter] = {
    Channel.EMAIL: EmailAdapter(),
    Channel.SMS: HttpSmsAdapter(),
}
