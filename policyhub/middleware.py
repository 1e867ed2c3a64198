from csp.constants import NONCE, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.http import HttpResponseBadRequest

ADMIN_PREFIX = "/admin/"


class SiteCSPMiddleware(CSPMiddleware):
    """The site's Content Security Policy, relaxed just enough for the admin.

    The admin's rich-text editor loads through an inline import map, which carries the request's
    nonce (see ``publications.admin.CSPNonceMediaMixin``), and the admin's widgets set inline
    styles. Reader pages get the strict policy from settings unchanged.
    """

    admin_prefix = ADMIN_PREFIX

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(self.admin_prefix):
            parts.update = {
                **(parts.update or {}),
                "script-src": [NONCE],
                "style-src": [UNSAFE_INLINE],
            }
        return parts


class AdminNullCharacterMiddleware:
    """A 400 for an admin request with a NUL in its query string.

    The admin passes filter values and search terms to the database as they come, and
    PostgreSQL refuses text holding a NUL (a 500). Reader pages validate their parameters in
    forms instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(ADMIN_PREFIX) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "Null characters are not allowed.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
