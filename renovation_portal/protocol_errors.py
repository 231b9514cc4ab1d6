"""The portal's own page for a request gunicorn refuses before Django sees it.

An over-long request line (414), headers too large (431) or a malformed
request (400) are answered by gunicorn itself, with an English page of its own
that echoes the request (issue 22). :func:`install`, called by each worker
after it has loaded the portal (deploy/gunicorn.conf.py), replaces gunicorn's
writer of those answers with one that sends this page: nothing of the request
was read, not even its language, so the page says it in both, Chinese first.

https://docs.gunicorn.org/en/stable/settings.html#limit-request-line
"""

from __future__ import annotations

from http import HTTPStatus

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

LANGUAGES = ("zh-hans", "en")


def _texts(status: int) -> tuple[str, str]:
    if status == HTTPStatus.REQUEST_URI_TOO_LONG:
        return (
            gettext("The address is too long"),
            gettext(
                "The server cannot read an address this long. Go back, or open "
                "the home page and find the page from there."
            ),
        )
    if status == HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE:
        return (
            gettext("The request is too large"),
            gettext(
                "Your browser sent more than the server can read, often too many "
                "or too large cookies. Clear this site's cookies and try again."
            ),
        )
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return (
            gettext("Something went wrong"),
            gettext(
                "The site could not show this page because of a fault on our "
                "side. Please try again in a few minutes."
            ),
        )
    return (
        gettext("The request could not be read"),
        gettext(
            "The server could not understand what your browser sent. Go back, or "
            "open the home page and try again."
        ),
    )


def page(status: int) -> bytes:
    """The page's HTML: both languages, no script, style or outside address."""
    sections = []
    for language in LANGUAGES:
        with translation.override(language):
            title, message = _texts(status)
            sections.append(
                {
                    "lang": "zh-Hans" if language == "zh-hans" else language,
                    "title": title,
                    "message": message,
                    "home": "/" if language == "zh-hans" else f"/{language}/",
                    "home_label": gettext("Go to the home page"),
                }
            )
    return render_to_string("protocol_error.html", {"sections": sections}).encode()


def response(status: int, reason: str) -> bytes:
    body = page(status)
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Content-Security-Policy: default-src 'none'\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


def install() -> None:
    """In a gunicorn worker: answer protocol errors with :func:`page`."""
    from gunicorn import util

    stock = util.write_error

    def write_error(sock, status_int, reason, mesg):
        try:
            data = response(status_int, reason)
        except Exception:  # noqa: BLE001 - gunicorn's page is better than none
            return stock(sock, status_int, reason, mesg)
        util.write_nonblock(sock, data)

    util.write_error = write_error
