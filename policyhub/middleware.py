from csp.constants import NONCE, UNSAFE_INLINE
from csp.middleware import CSPMiddleware


class SiteCSPMiddleware(CSPMiddleware):
    """The site's Content Security Policy, relaxed just enough for the admin.

    The admin's rich-text editor loads through an inline import map, which carries the request's
    nonce (see ``publications.admin.CSPNonceMediaMixin``), and the admin's widgets set inline
    styles. Reader pages get the strict policy from settings unchanged.
    """

    admin_prefix = "/admin/"

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(self.admin_prefix):
            parts.update = {
                **(parts.update or {}),
                "script-src": [NONCE],
                "style-src": [UNSAFE_INLINE],
            }
        return parts
