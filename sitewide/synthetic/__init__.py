"""Synthetic data for scale tests (issue 7): generate, remove, and tell the
visitor when the site holds any."""

from django.core.cache import cache

PRESENT_CACHE_KEY = "synthetic-data-present"
# Each app server caches the answer this long; the commands reset it at once
# where the cache is shared (Redis).
PRESENT_CACHE_SECONDS = 300


def synthetic_data_present() -> bool:
    """Whether any synthetic compound exists: one indexed query, cached."""
    present = cache.get(PRESENT_CACHE_KEY)
    if present is None:
        from estates.models import Estate

        present = Estate.objects.filter(is_synthetic=True).exists()
        cache.set(PRESENT_CACHE_KEY, present, PRESENT_CACHE_SECONDS)
    return present


def synthetic_data_changed() -> None:
    from renovation_portal import page_cache

    cache.delete(PRESENT_CACHE_KEY)
    # Bulk inserts and deletes send no signals: stale pages go by hand.
    page_cache.bump()
