"""The site's fixed addresses, worked out once per language (issue 17, item 2).

Every page's frame links the same dozen addresses (the main navigation, the
language and elder-mode switches, the footer) and its stylesheets and scripts.
Reversing a route name took 20–45 µs and a static file's hashed name about 18;
a page asked for some twenty of them on every visit. They depend only on the
language, the script prefix and the URL configuration (a route without
arguments), or on the static files' settings, so each is remembered per
those, and forgotten when a test changes the settings they come from.
"""

from __future__ import annotations

import functools

from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# The settings the remembered answers depend on.
_URL_SETTINGS = frozenset(
    {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"}
)
_STATIC_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG"})


@functools.lru_cache(maxsize=512)
def _reversed(name: str, language, prefix: str, urlconf) -> str:
    return reverse(name)


def fixed_url(name: str) -> str:
    """``reverse(name)`` for a route without arguments."""
    return _reversed(name, get_language(), get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """``{% static path %}``: the collected file's address."""
    return static(path)


def _forget(*, setting, **kwargs) -> None:
    if setting in _URL_SETTINGS:
        _reversed.cache_clear()
    if setting in _STATIC_SETTINGS:
        static_url.cache_clear()


setting_changed.connect(_forget)
