"""Language selection for the paths outside ``i18n_patterns``.

With ``i18n_patterns(..., prefix_default_language=False)`` Django's
LocaleMiddleware serves *every* path without a language prefix in the default
language, ignoring the language cookie and ``Accept-Language``
(django/middleware/locale.py, ``process_request``). That is right for the
site's pages (``/`` is Chinese, ``/en/`` English) but leaves ``/admin/`` and
``/api/``, which live outside ``i18n_patterns``, stuck in Chinese: the admin's
language switch writes the cookie and nothing reads it.

https://docs.djangoproject.com/en/5.2/topics/i18n/translation/#how-django-discovers-language-preference
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import LocalePrefixPattern, get_resolver
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header


def outside_i18n_patterns(path: str, urlconf: str | None = None) -> bool:
    """True when a top-level URL pattern that is not ``i18n_patterns`` takes
    ``path`` (``/admin/…``, ``/api/…``, ``/i18n/…``)."""
    resolver = get_resolver(urlconf)
    path = path.removeprefix("/")
    for pattern in resolver.url_patterns:
        if isinstance(pattern.pattern, LocalePrefixPattern):
            continue
        if pattern.pattern.match(path):
            return True
    return False


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware; outside ``i18n_patterns`` the visitor's
    language cookie, then ``Accept-Language``, chooses the language."""

    def process_request(self, request):
        super().process_request(request)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        request.outside_i18n_patterns = outside_i18n_patterns(
            request.path_info, urlconf
        )
        if request.outside_i18n_patterns:
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if getattr(request, "outside_i18n_patterns", False):
            # The same URL answers in the language the cookie names.
            patch_vary_headers(response, ("Cookie",))
        return response


def client_ip(request) -> str:
    """The client's address. Behind ``NUM_PROXIES`` proxies that each append the
    address they saw to ``X-Forwarded-For``, the client is the entry that many
    places from the right; anything further left the client may have forged.
    With no proxy only the connection's own address counts. The same rule as
    DRF's ``NUM_PROXIES`` (rest_framework/throttling.py, ``get_ident``)."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    if settings.NUM_PROXIES <= 0:
        return remote_addr
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if not forwarded:
        return remote_addr
    return forwarded[-min(settings.NUM_PROXIES, len(forwarded))]


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware and django-csp do not set.

    Every response gets ``Permissions-Policy`` (settings.PERMISSIONS_POLICY).
    Uploaded media, when Django serves it (``DEBUG``; production serves it from
    nginx or S3 with the same headers, deploy/nginx.conf.example), is sent as a
    download that the browser may not sniff and that runs nothing even if opened:
    an upload can never act as a page of the portal. ``<img>`` ignores
    ``Content-Disposition``, so pictures still show.
    https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy
    """

    MEDIA_POLICY = "default-src 'none'; sandbox"

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        media_url = settings.MEDIA_URL
        if media_url.startswith("/") and request.path.startswith(media_url):
            filename = request.path.rsplit("/", 1)[-1]
            response.headers["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=filename
            )
            response.headers["X-Content-Type-Options"] = "nosniff"
            # Set before django-csp looks, which then leaves it alone.
            response.headers["Content-Security-Policy"] = self.MEDIA_POLICY
        return response
