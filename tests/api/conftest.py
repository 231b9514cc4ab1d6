"""Fixtures for the API tests."""

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Each test starts with an empty rate-limit count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def source_data(db):
    call_command("load_source_data", verbosity=0)
