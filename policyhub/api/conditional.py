"""Last-Modified for API responses, so a partner can revalidate with If-Modified-Since.

ETags come from the response body (``policyhub.middleware.ConditionalGetMiddleware``), which
also answers If-Modified-Since with a 304 once this header is set.
"""

from django.utils import timezone
from django.utils.http import http_date

from policyhub.editorial.cache import last_change_time


def last_modified(items=()):
    """The newest change time of the items shown (saved, or published later than saved), and
    never before the last change to anything readers see: an unpublished or deleted item, or a
    renamed author, leaves no newer time on what is still shown, yet changes the response."""
    at = timezone.now()
    moments = [last_change_time(at)]
    for item in items:
        for name in ("updated_at", "published_at"):
            moment = getattr(item, name, None)
            if moment is not None and moment <= at:
                moments.append(moment.timestamp())
    return http_date(int(max(moments)))


class LastModifiedMixin:
    """Sets Last-Modified on a successful read from what the view noted as ``shown``."""

    shown = ()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.headers["Last-Modified"] = last_modified(self.shown)
        return response
