"""Rate limits for anonymous clients, read from settings on every request."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class PublicAnonRateThrottle(AnonRateThrottle):
    """``settings.API_ANON_THROTTLE_RATE`` per client IP, e.g. ``"120/minute"``; ``None`` turns it off.

    DRF's own throttle reads its rates once, at import; this one reads them per request, so the
    rate can be changed from the environment and in tests.
    """

    def get_rate(self) -> str | None:
        return settings.API_ANON_THROTTLE_RATE or None
