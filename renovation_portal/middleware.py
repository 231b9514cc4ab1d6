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
