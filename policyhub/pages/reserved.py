"""The first path segments the site's own URLs use, read from the URLconf: a page at the top
level cannot take one (a page called "search" would never be reached, or would hide the search)."""

import functools

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver


def _first_segments(patterns):
    for entry in patterns:
        route = str(entry.pattern)
        first = route.lstrip("^").split("/", 1)[0]
        if first.startswith("<"):
            continue  # a converter: the pages' own catch-all
        if first:
            yield first
        elif isinstance(entry, URLResolver):
            yield from _first_segments(entry.url_patterns)
        elif isinstance(entry, URLPattern) and route:
            yield route


@functools.cache
def reserved_segments():
    segments = set(_first_segments(get_resolver().url_patterns))
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        if prefix:
            segments.add(prefix.strip("/").split("/", 1)[0])
    segments.discard("")
    return frozenset(segment.lower() for segment in segments)
