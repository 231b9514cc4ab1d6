"""Shared fixtures for the whole suite."""

import os

import pytest
from django.core.cache import cache
from django.utils import translation

from renovation_portal import page_cache, ratelimit
from sitewide.synthetic import PRESENT_CACHE_KEY

# Playwright's sync API runs an event loop in the test thread; Django must allow
# ORM calls from it (STYLE.md "Known traps").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _jinja_pages_report_their_context():
    """The test client's ``response.context`` and ``response.templates`` for
    the pages Jinja2 renders (a compound's page), as Django gives them for its
    own templates: Django instruments only its own template engine."""
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered

    render = backend.Template.render

    def reporting_render(self, context=None, request=None):
        template_rendered.send(
            sender=self, template=self.template, context=dict(context or {})
        )
        return render(self, context, request)

    backend.Template.render = reporting_render
    yield
    backend.Template.render = render


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploads in a test land in a temporary folder, never in the repo."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached lookups (the renovation
    years, say) never leak from one test into the next.

    The synthetic-data banner's answer is primed to "none", as a running
    server holds it between lookups (once per five minutes); tests about the
    banner clear it after creating synthetic rows."""
    cache.clear()
    page_cache.local_pages.clear()
    ratelimit.store.local.clear()
    page_cache.forget_generation()
    cache.set(PRESENT_CACHE_KEY, False)
    yield
    # A test that looked a page up with REDIS_URL set started a listener.
    page_cache.watcher.stop()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the last one did."""
    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin", email="admin@example.org", password="not-a-real-password-1"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
