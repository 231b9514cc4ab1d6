"""Anonymous rate limiting for the public API.

The rate is read on every request (not once at import, as DRF's own throttle
does), so a deployment or a test can change it in settings. The client's
address comes from DRF's ``NUM_PROXIES`` setting: without it a client could
forge ``X-Forwarded-For`` (STYLE.md "Known traps").
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
