import hashlib

import brotli
from csp.constants import NONCE, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware import gzip, http
from django.utils.cache import patch_vary_headers

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


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's ETag / If-None-Match / If-Modified-Since handling, with an ETag that ignores the
    response's CSP nonce: the page is otherwise the same for every reader, so a fresh render and
    a page-cache hit (each with its own nonce) get one ETag and a revalidation a 304.

    A 304 carries no Content-Security-Policy header, so the browser keeps the one it stored
    with the body, whose nonce matches it."""

    def process_response(self, request, response):
        if (
            request.method == "GET"
            and not response.streaming
            and not response.has_header("ETag")
            and self.needs_etag(response)
            and response.content
        ):
            content = response.content
            nonce = getattr(request, "_csp_nonce", None)
            if isinstance(nonce, str) and nonce:
                content = content.replace(nonce.encode(), b"")
            digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
            response.headers["ETag"] = f'"{digest}"'
        return super().process_response(request, response)


def accepted_encodings(header):
    """The content codings a client accepts (``q`` above 0), lower-cased."""
    accepted = set()
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding and quality > 0:
            accepted.add(coding.strip().lower())
    return accepted


class CompressionMiddleware(gzip.GZipMiddleware):
    """Brotli or gzip, as the client's Accept-Encoding allows, for text the same for everyone.

    Compressing a page that holds a secret next to text an attacker chooses leaks the secret
    (BREACH). So the admin, and any response that is private or sets a cookie, goes out as it
    is; reader pages hold no token or personal data, and their one per-response value, the CSP
    nonce, changes on every request, so it cannot be guessed byte by byte.
    """

    excluded_prefixes = ("/admin/",)
    compressible_types = (
        "text/",
        "application/json",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/javascript",
        "application/vnd.oai.openapi",
    )
    min_length = 200

    def process_response(self, request, response):
        if not self._eligible(request, response):
            return response
        accepted = accepted_encodings(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if "br" not in accepted:
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = brotli.compress(response.content, quality=settings.BROTLI_QUALITY)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "br"
        return response

    def _eligible(self, request, response):
        if request.path_info.startswith(self.excluded_prefixes) or response.streaming:
            return False
        if response.has_header("Content-Encoding") or len(response.content) < self.min_length:
            return False
        if response.cookies or "private" in response.get("Cache-Control", "").lower():
            return False
        content_type = response.get("Content-Type", "").lower()
        return content_type.startswith(self.compressible_types)
