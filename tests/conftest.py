"""Shared fixtures for the whole suite."""

import os

import pytest
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; Django must allow
# ORM calls from it (STYLE.md "Known traps").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploads in a test land in a temporary folder, never in the repo."""
    settings.MEDIA_ROOT = tmp_path / "media"


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
