"""Links to pages addressed by one slug, without running the URL resolver for each.

``reverse()`` matches the arguments against every candidate pattern, about 40 µs a call; a detail
page has thirty links and a listing a hundred. The address of such a page is the same string
around the slug, so it is reversed once (per URLconf and script prefix) with a placeholder and
the slug put in its place. Anything but a plain ASCII slug takes the ordinary ``reverse()``.
"""

import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
PLACEHOLDER = "slug-placeholder-0c5f"

_shapes = {}


def slug_url(viewname, slug):
    """``reverse(viewname, args=[slug])`` for a URL whose only argument is a slug."""
    if not PLAIN_SLUG.match(slug):
        return reverse(viewname, args=[slug])
    key = (viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    shape = _shapes.get(key)
    if shape is None:
        shape = _shapes[key] = reverse(viewname, args=[PLACEHOLDER])
    return shape.replace(PLACEHOLDER, slug)
