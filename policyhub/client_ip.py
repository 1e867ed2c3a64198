"""The address a request came from, for login throttling and logs.

``REMOTE_ADDR`` is the peer of the TCP connection: it cannot be forged, but behind a reverse proxy
it is the proxy. Each proxy appends the address it received the request from to
``X-Forwarded-For``, so with ``TRUSTED_PROXY_COUNT = n`` proxies the client is the n-th entry
from the right. Everything left of it was written by the client and is ignored: trusting it would
let anyone pick a fresh address per login attempt and never be locked out.
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < hops:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    return _valid(forwarded[-hops]) or remote
