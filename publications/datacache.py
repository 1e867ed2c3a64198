"""A cache for data computed from published content: the publication and option lists' facet
counts, the home page's topic counts, related publications (``DATA_CACHE_ENABLED``).

The app knows what to compute and what the value depends on; when a cached value goes stale is
the project's business (any content change, the next scheduled publish: ``policyhub/cache.py``),
so the project registers the function that stores values. Until it does, nothing is cached.
"""

from django.conf import settings

_remember = None


def register(remember):
    """``remember(name, compute)`` returns ``compute()``, possibly from a cache."""
    global _remember
    _remember = remember


def remember(name, compute):
    if _remember is None or not settings.DATA_CACHE_ENABLED:
        return compute()
    return _remember(name, compute)
