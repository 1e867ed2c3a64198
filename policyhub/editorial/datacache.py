"""Data computed from published content, cached by the page cache's rules (``cache.py``): facet
counts, home topics, related publications, rendered cards. Off with ``DATA_CACHE_ENABLED``."""

from django.conf import settings

from . import cache


def enabled():
    return settings.DATA_CACHE_ENABLED


def remember(name, compute, *, counts=False):
    """``counts``: the value holds counts only, so an edit of a publication's text (which moves
    no count) leaves it cached."""
    if not enabled():
        return compute()
    return cache.remember(name, compute, counts=counts)


def remember_many(names, compute):
    if not enabled():
        return compute(list(names))
    return cache.remember_many(names, compute)
