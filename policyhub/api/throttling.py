import logging

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from policyhub.editorial.cache import CACHE_ERRORS

logger = logging.getLogger("policyhub.api")


class AddressRateThrottle(AnonRateThrottle):
    """``API_THROTTLE_RATE`` requests per client address, counted in the shared cache, so every
    app server counts together. The address is the connection's, or the one the trusted proxies
    name (``NUM_PROXIES``)."""

    def get_rate(self):
        # Read on each request, not frozen at import, so the setting can be changed (tests).
        return settings.API_THROTTLE_RATE

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            # Without the cache nothing can be counted: serve rather than fail.
            logger.warning("API throttle: cache unavailable", exc_info=True)
            return True
