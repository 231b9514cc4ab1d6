"""Anonymous rate limiting for the public API.

The rate is read on every request (not once at import, as DRF's own throttle
does), so a deployment or a test can change it in settings. The client's
address comes from DRF's ``NUM_PROXIES`` setting: without it a client could
forge ``X-Forwarded-For`` (STYLE.md "Known traps"). The request history is
kept where the portal's other limits keep their counts, so that the limit
holds while Redis is down (renovation_portal/ratelimit.py).
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from renovation_portal import ratelimit


class AnonymousThrottle(AnonRateThrottle):
    scope = "anon"
    cache = ratelimit.store

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
