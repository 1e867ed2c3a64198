"""/healthz: is this instance able to serve pages? For load balancers and uptime checks."""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from policyhub.editorial.cache import cache_failed, reset_availability

logger = logging.getLogger("policyhub.operations.health")


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        # Any failure means "not ready", never a 500; the details go to the log, not the probe.
        logger.warning("Health check: database unavailable", exc_info=True)
        if not connection.in_atomic_block:
            # Drop the broken connection now so the next probe reconnects instead of reusing it.
            connection.close()
        return False


def cache_ok():
    # Probed even while pages skip the cache after a failure (cache_available()): the probe is
    # how a load balancer learns of the outage, and a probe that succeeds ends the skipping.
    # A hung Redis costs one socket timeout here (settings.CACHES), not the 5 s default.
    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:
        logger.warning("Health check: cache unavailable", exc_info=True)
        cache_failed()
        return False
    if ok:
        reset_availability()
    return ok


@require_safe
@never_cache
def healthz(request):
    checks = {"database": database_ok(), "cache": cache_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{name: "ok" if ok else "unavailable" for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
